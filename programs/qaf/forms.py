"""QAF forms: a month's days, a CSV of months, a payment, a rate table file."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from django import forms
from django.conf import settings

from programs.qaf.models import PaymentMethod
from programs.qaf.services.declarations import MAX_MONTH_DAYS, parse_month


class MonthInput(forms.DateInput):
    input_type = "month"


class MonthField(forms.Field):
    widget = MonthInput

    def to_python(self, value: Any) -> datetime.date | None:
        if value in (None, ""):
            return None
        try:
            return parse_month(str(value).strip())
        except ValueError as exc:
            raise forms.ValidationError("Enter a month like 2024-03.") from exc

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, datetime.date):
            return f"{value:%Y-%m}"
        return value


class DeclarationForm(forms.Form):
    month = MonthField(label="Month (YYYY-MM)")
    total_days = forms.IntegerField(
        label="Total resident days", min_value=0, max_value=MAX_MONTH_DAYS
    )
    medicare_days = forms.IntegerField(
        label="Medicare days", min_value=0, max_value=MAX_MONTH_DAYS, initial=0
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        total, medicare = data.get("total_days"), data.get("medicare_days")
        if total is not None and medicare is not None and medicare > total:
            self.add_error("medicare_days", "Medicare days cannot exceed the total resident days.")
        return data


class CsvUploadForm(forms.Form):
    file = forms.FileField(label="CSV file")

    def clean_file(self):  # type: ignore[no-untyped-def]
        upload = self.cleaned_data["file"]
        if upload.size > settings.WQIP_UPLOAD_MAX_BYTES:
            raise forms.ValidationError("The file is larger than the upload limit.")
        return upload


class PaymentForm(forms.Form):
    paid_on = forms.DateField(label="Date paid", widget=forms.DateInput(attrs={"type": "date"}))
    amount = forms.DecimalField(label="Amount ($)", max_digits=14, decimal_places=2)
    method = forms.ChoiceField(label="How it was paid", choices=PaymentMethod.choices)
    reference = forms.CharField(label="EFT trace or check number", max_length=60)

    def clean_amount(self) -> Decimal:
        amount: Decimal = self.cleaned_data["amount"]
        if amount == 0:
            raise forms.ValidationError("The amount cannot be zero.")
        return amount
