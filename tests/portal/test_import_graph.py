"""No import circles in the project (docs/architecture.md): not even through imports inside
functions (grimp sees those too). Tasks import services, never the reverse; services queue
work through the core jobs API (portal.jobs), which finds the task by name."""

from __future__ import annotations

import grimp

PACKAGES = ("portal", "payments", "disputes", "programs")


def import_cycles(graph: grimp.ImportGraph) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    cycles: list[list[str]] = []
    counter = 0
    for root in sorted(graph.modules):
        if root in index:
            continue
        work = [(root, iter(sorted(graph.find_modules_directly_imported_by(root))))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append(
                        (child, iter(sorted(graph.find_modules_directly_imported_by(child))))
                    )
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    cycles.append(sorted(component))
    return cycles


def test_given_project_modules_then_no_import_circle():
    graph = grimp.build_graph(*PACKAGES)
    assert import_cycles(graph) == []


def test_given_services_then_no_service_imports_a_tasks_module():
    graph = grimp.build_graph(*PACKAGES)
    tasks = {m for m in graph.modules if m.rsplit(".", 1)[-1] == "tasks"}
    services = {m for m in graph.modules if ".services" in m or m.startswith("portal.jobs")}
    assert tasks == {"portal.tasks"}
    offenders = {
        (service, imported)
        for service in services
        for imported in graph.find_modules_directly_imported_by(service)
        if imported in tasks
    }
    assert offenders == set()


def test_given_a_circle_then_it_is_found():
    graph = grimp.ImportGraph()
    for module in ("a.services", "a.tasks", "a.models"):
        graph.add_module(module)
    graph.add_import(importer="a.services", imported="a.tasks")
    graph.add_import(importer="a.tasks", imported="a.services")
    graph.add_import(importer="a.services", imported="a.models")
    assert import_cycles(graph) == [["a.services", "a.tasks"]]
