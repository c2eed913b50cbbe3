"""``{% page_block "name" %}...{% endpage_block %}``: a page block that ``portal.pagecache``
records while the page renders, and puts back from the cache on a hit (see there)."""

from __future__ import annotations

from django import template
from django.template.base import Node, NodeList, Parser, Token
from django.template.context import Context

from portal.pagecache import CSRF_PLACEHOLDER, fill_csrf_token

register = template.Library()


class PageBlockNode(Node):
    def __init__(self, name: str, nodelist: NodeList) -> None:
        self.name = name
        self.nodelist = nodelist

    def render(self, context: Context) -> str:
        page = context.get("page_cache")
        if page is None or not (page.hit or page.recording):
            return self.nodelist.render(context)
        token = context.get("csrf_token")
        if page.hit:
            return fill_csrf_token(page.blocks.get(self.name, ""), token)
        with context.push(csrf_token=CSRF_PLACEHOLDER):
            html = self.nodelist.render(context)
        page.blocks[self.name] = html
        return fill_csrf_token(html, token)


@register.tag
def page_block(parser: Parser, token: Token) -> PageBlockNode:
    bits = token.split_contents()
    if len(bits) != 2:
        raise template.TemplateSyntaxError("{% page_block %} takes one name")
    nodelist = parser.parse(("endpage_block",))
    parser.delete_first_token()
    return PageBlockNode(bits[1].strip("\"'"), nodelist)
