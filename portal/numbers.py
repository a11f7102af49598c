"""Numbers as Vietnamese users write them: one parser, one way of showing, one family of form
fields, used by every form, template and import (docs/input.md).

    "12,5"          → 12.5     decimal comma
    "150.000.000"   → 150000000  dot between groups of three
    "150 000 000"   → 150000000  (also non-breaking and thin spaces)
    "1.234.567,5"   → 1234567.5
    "1.5", "17.50"  → refused: a dot never starts a decimal part in Vietnamese
    "1,234"         → refused where the field keeps fewer than three decimals (1234 written the
                      English way, or a decimal the field cannot hold?)
    "1,234.5"       → refused: the English way round; the message shows the Vietnamese form
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from django import forms
from django.core import validators
from django.core.exceptions import ValidationError
from django.db import models
from django_stubs_ext import StrOrPromise

__all__ = [
    "NumberText",
    "VnDecimalField",
    "VnIntegerField",
    "VnMoneyField",
    "VnNumberField",
    "VnNumberInput",
    "VnYearField",
    "format_vn_number",
    "parse_vn_number",
    "read_vn_number",
    "vn_formfield",
]

_SPACES = "\u0020\u00a0\u202f\u2009"
_MONEY_SUFFIX = re.compile(r"\s*(đồng|đ|vnđ|vnd)\.?\s*$", re.IGNORECASE)
_GROUPED = re.compile(r"\d{1,3}(?:\.\d{3})+")
_SPACED = re.compile(r"\d{1,3}(?: \d{3})+")
_MAX_LENGTH = 60


class NumberText(str):
    """A spreadsheet cell that held a number: the text is its Vietnamese writing ("12,5",
    "150000000"), `number` the exact value, so the parser takes it without guessing.

    No instance dictionary: an import of 100,000 rows holds 400,000 of these, and a dict each
    doubled the file's memory; the value is read back from the text, which writes it exactly
    (decimal comma, no grouping, only trailing zeros dropped)."""

    __slots__ = ()

    def __new__(cls, value: int | float | Decimal) -> NumberText:
        number = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
        return super().__new__(cls, format_vn_number(number, grouping=False))

    @property
    def number(self) -> Decimal:
        return Decimal(self.replace(",", "."))

    def __reduce__(self) -> tuple[type[NumberText], tuple[Any]]:
        return (NumberText, (self.number,))


# --- Reading a number aloud (for the messages) -------------------------------------------------

_DIGITS = ("không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín")
_SCALES = ("", " nghìn", " triệu", " tỷ")


def _read_group(n: int, full: bool) -> str:
    """0–999; `full` when a higher group precedes it (1.005 → "không trăm linh năm")."""
    hundreds, tens, units = n // 100, n // 10 % 10, n % 10
    words = []
    if hundreds or full:
        words += [_DIGITS[hundreds], "trăm"]
    if tens == 0:
        if units and words:
            words.append("linh")
    elif tens == 1:
        words.append("mười")
    else:
        words += [_DIGITS[tens], "mươi"]
    if units:
        if units == 1 and tens >= 2:
            words.append("mốt")
        elif units == 4 and tens >= 2:
            words.append("tư")
        elif units == 5 and tens >= 1:
            words.append("lăm")
        else:
            words.append(_DIGITS[units])
    return " ".join(words)


def read_vn_number(text: str) -> str:
    """Digits as read aloud: "1234" → "một nghìn hai trăm ba mươi tư"; "1,5" → "một phẩy năm".
    Whole parts up to 999 tỷ; digits after the comma are read as a number when there are one or
    two of them and no leading zero, else one by one."""
    whole, _, frac = text.partition(",")
    n = int(whole or "0")
    if n >= 10**12:
        spoken = " ".join(_DIGITS[int(d)] for d in whole)
    elif n == 0:
        spoken = "không"
    else:
        groups = []
        while n:
            groups.append(n % 1000)
            n //= 1000
        parts = []
        for i in range(len(groups) - 1, -1, -1):
            if groups[i]:
                parts.append(_read_group(groups[i], full=i < len(groups) - 1) + _SCALES[i])
        spoken = " ".join(parts)
    if frac:
        if len(frac) <= 2 and not frac.startswith("0"):
            spoken += " phẩy " + read_vn_number(frac)
        else:
            spoken += " phẩy " + " ".join(_DIGITS[int(d)] for d in frac)
    return spoken


# --- Parsing -----------------------------------------------------------------------------------


def _invalid(raw: str) -> ValidationError:
    return ValidationError(
        "“%(raw)s” không phải là một số. Viết theo cách thông thường, ví dụ 12,5 hoặc 1.500.000.",
        code="invalid",
        params={"raw": raw[:30]},
    )


def parse_vn_number(
    text: str | int | float | Decimal, *, decimal_places: int | None = None, money: bool = False
) -> Decimal:
    """The number a person wrote, the Vietnamese way; `ValidationError` (Vietnamese message) when
    it is not a number or could mean two numbers. `decimal_places` is what the field keeps: a
    comma followed by exactly three digits ("1,234") is refused as ambiguous unless the field
    keeps three or more decimals. `money` also accepts a trailing "đ", "đồng", "VNĐ".
    Trailing zeros after the comma are dropped ("150.000,00" → 150000)."""
    if isinstance(text, NumberText):
        return text.number
    if isinstance(text, bool):
        raise _invalid(str(text))
    if isinstance(text, int | Decimal):
        return Decimal(text)
    if isinstance(text, float):
        return Decimal(repr(text))
    raw = str(text).strip()
    s = raw
    if money:
        s = _MONEY_SUFFIX.sub("", s)
    if not s or len(s) > _MAX_LENGTH:
        raise _invalid(raw)
    sign = ""
    if s[0] in "+-\u2212":
        sign, s = ("" if s[0] == "+" else "-"), s[1:].lstrip()
    for space in _SPACES:
        s = s.replace(space, " ")
    if not s or not set(s) <= set("0123456789., "):
        raise _invalid(raw)
    if s.count(",") > 1 or ("," in s and "." in s.split(",", 1)[1]):
        raise _english(raw, sign, s)
    whole, comma, frac = s.partition(",")
    if comma and not frac.isdigit():
        raise _invalid(raw)
    grouped = False
    if "." in whole and " " in whole:
        raise _invalid(raw)
    if "." in whole:
        if _GROUPED.fullmatch(whole):
            whole, grouped = whole.replace(".", ""), True
        elif not comma and re.fullmatch(r"\d+\.\d+", whole):
            meant = Decimal(whole)
            plain = format_vn_number(meant, grouping=False)
            raise ValidationError(
                "Số “%(raw)s” không rõ: viết %(vn)s nếu là %(spoken)s. Dấu phẩy đứng trước phần "
                "thập phân; dấu chấm chỉ dùng để tách hàng nghìn (1.500.000).",
                code="ambiguous",
                params={
                    "raw": raw,
                    "vn": format_vn_number(meant),
                    "spoken": read_vn_number(plain),
                },
            )
        else:
            raise _invalid(raw)
    elif " " in whole:
        if not _SPACED.fullmatch(whole):
            raise _invalid(raw)
        whole, grouped = whole.replace(" ", ""), True
    if not whole.isdigit():
        raise _invalid(raw)
    if (
        comma
        and len(frac) == 3
        and not grouped
        and len(whole) <= 3
        and whole != "0"
        and (decimal_places is None or decimal_places < 3)
    ):
        thousands = f"{whole}.{frac}"
        if decimal_places == 0:
            tail = "ô này không nhận phần thập phân"
            if money:
                tail = "số tiền tính bằng đồng, không có phần lẻ"
        else:
            places = decimal_places if decimal_places is not None else 2
            tail = f"ô này chỉ nhận tối đa {places} chữ số sau dấu phẩy"
        raise ValidationError(
            "Số “%(raw)s” không rõ: viết %(thousands)s nếu là %(spoken)s (dấu chấm tách hàng "
            "nghìn); %(tail)s.",
            code="ambiguous",
            params={
                "raw": raw,
                "thousands": thousands,
                "spoken": read_vn_number(whole + frac),
                "tail": tail,
            },
        )
    frac = frac.rstrip("0")
    try:
        return Decimal(f"{sign}{whole}.{frac}" if frac else f"{sign}{whole}")
    except InvalidOperation:  # pragma: no cover - the checks above leave only digits
        raise _invalid(raw) from None


def _english(raw: str, sign: str, s: str) -> ValidationError:
    """1,234,567 or 1,234.5: the English way round. Say how to write it, when that is clear."""
    swapped = s.translate(str.maketrans(",.", ".,"))
    try:
        parse_vn_number(swapped, decimal_places=99)
    except ValidationError:
        return _invalid(raw)
    return ValidationError(
        "Số “%(raw)s” viết theo kiểu tiếng Anh: hãy viết %(vn)s (dấu chấm tách hàng nghìn, dấu "
        "phẩy trước phần thập phân).",
        code="english",
        params={"raw": raw, "vn": sign + swapped},
    )


# --- Showing -----------------------------------------------------------------------------------


def format_vn_number(
    value: int | float | Decimal | str | None,
    decimals: int | None = None,
    *,
    grouping: bool = True,
    max_decimals: int | None = None,
) -> str:
    """12.5 → "12,5"; 150000000 → "150.000.000"; Decimal("17.50") → "17,5".
    `decimals` fixes the places ("17,50" with 2); otherwise trailing zeros are dropped, after
    rounding to `max_decimals` when given. `grouping=False` for years and codes ("2025")."""
    if value is None or value == "":
        return ""
    try:
        number = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
    except (InvalidOperation, TypeError, ValueError):
        return str(value)
    if not number.is_finite():
        return str(value)
    if decimals is not None:
        number = number.quantize(Decimal(1).scaleb(-decimals))
        text = f"{number:f}"
    else:
        if max_decimals is not None:
            number = number.quantize(Decimal(1).scaleb(-max_decimals))
        text = f"{number:f}"
        if "." in text:
            text = text.rstrip("0").rstrip(".")
    if Decimal(text) == 0:
        text = text.lstrip("-")
    sign = "-" if text.startswith("-") else ""
    whole, _, frac = text.lstrip("-").partition(".")
    if grouping:
        whole = f"{int(whole):,}".replace(",", ".")
    return sign + whole + ("," + frac if frac else "")


# --- Form fields -------------------------------------------------------------------------------


class VnNumberInput(forms.TextInput):
    """A text box, not `<input type=number>`: browsers drop or reject "12,5" and "150.000.000"
    in number inputs and enforce `step`. Shows numbers the Vietnamese way."""

    def __init__(
        self,
        attrs: dict[str, Any] | None = None,
        *,
        grouping: bool = True,
        inputmode: str = "decimal",
    ) -> None:
        super().__init__({"inputmode": inputmode, **(attrs or {})})
        self.grouping = grouping

    def format_value(self, value: Any) -> str | None:
        if isinstance(value, int | float | Decimal) and not isinstance(value, bool):
            return format_vn_number(value, grouping=self.grouping)
        return super().format_value(value)


class _VnLimit:
    """Range check whose message writes the limit the Vietnamese way ("17,5", "1.000.000")."""

    def __init__(
        self, limit: Any, low: bool, unit: str = "", message: StrOrPromise | None = None
    ) -> None:
        self.limit, self.low, self.unit, self.message = limit, low, unit, message

    def __call__(self, value: Any) -> None:
        if value is None:
            return
        if self.message and (value < self.limit if self.low else value > self.limit):
            raise ValidationError(self.message, code="min_value" if self.low else "max_value")
        if self.low and value < self.limit:
            if self.unit == " đồng" and self.limit == 0:
                raise ValidationError("Số tiền không được âm.", code="min_value")
            raise ValidationError(
                "Giá trị không được nhỏ hơn %(limit)s%(unit)s.",
                code="min_value",
                params={"limit": format_vn_number(self.limit), "unit": self.unit},
            )
        if not self.low and value > self.limit:
            raise ValidationError(
                "Giá trị không được lớn hơn %(limit)s%(unit)s.",
                code="max_value",
                params={"limit": format_vn_number(self.limit), "unit": self.unit},
            )


# The mixin is used on form fields only: the type checker reads it as one.
if TYPE_CHECKING:
    _FieldBase = forms.Field
else:
    _FieldBase = object


class VnNumberField(_FieldBase):
    """Mixin of every localized number field: what the project's form test looks for."""

    unit = ""
    money = False

    def _vn_limits(self) -> None:
        kept: list[Any] = []
        for validator in self.validators:
            # error_messages={"min_value": …} given to the field wins, as in Django.
            if isinstance(validator, validators.MinValueValidator):
                message = self.error_messages.get("min_value")
                kept.append(_VnLimit(validator.limit_value, True, self.unit, message))
            elif isinstance(validator, validators.MaxValueValidator):
                message = self.error_messages.get("max_value")
                kept.append(_VnLimit(validator.limit_value, False, self.unit, message))
            elif isinstance(validator, validators.StepValueValidator):
                continue  # no step rule: any amount typed is an amount
            else:
                kept.append(validator)
        self.validators = kept


class VnDecimalField(VnNumberField, forms.DecimalField):
    """A decimal as Vietnamese users type it ("12,5", "1.234,5")."""

    default_error_messages = {
        "invalid": "Nhập một số, ví dụ 12,5 hoặc 1.500.000.",
        "max_digits": "Số quá lớn: tối đa %(max)s chữ số.",
        "max_decimal_places": "Chỉ ghi tối đa %(max)s chữ số sau dấu phẩy.",
        "max_whole_digits": "Số quá lớn: phần nguyên tối đa %(max)s chữ số.",
    }

    def __init__(self, *, widget: forms.Widget | None = None, **kwargs: Any) -> None:
        kwargs.pop("step_size", None)
        super().__init__(widget=widget or VnNumberInput(), **kwargs)
        self._vn_limits()

    def to_python(self, value: Any) -> Decimal | None:  # type: ignore[override]  # forms.DecimalField extends IntegerField
        if value in self.empty_values or (isinstance(value, str) and not value.strip()):
            return None
        return parse_vn_number(value, decimal_places=self.decimal_places, money=self.money)

    def widget_attrs(self, widget: forms.Widget) -> dict[str, Any]:
        return forms.Field.widget_attrs(self, widget)


class VnMoneyField(VnDecimalField):
    """Money in whole đồng, any amount (no step): "150.250.500", "150 250 500 đ"."""

    unit = " đồng"
    money = True
    default_error_messages = {
        "max_decimal_places": "Số tiền tính bằng đồng, không có phần lẻ.",
        "max_digits": "Số tiền quá lớn.",
        "max_whole_digits": "Số tiền quá lớn.",
    }

    def __init__(
        self, *, max_digits: int = 18, decimal_places: int = 0, min_value: Any = 0, **kwargs: Any
    ) -> None:
        widget = kwargs.pop("widget", None) or VnNumberInput(inputmode="numeric")
        super().__init__(
            max_digits=max_digits,
            decimal_places=decimal_places,
            min_value=min_value,
            widget=widget,
            **kwargs,
        )


class VnIntegerField(VnNumberField, forms.IntegerField):
    """A whole number; shown with thousands dots ("1.250")."""

    grouping = True
    default_error_messages = {"invalid": "Nhập một số nguyên, ví dụ 12 hoặc 1.500."}

    def __init__(self, *, widget: forms.Widget | None = None, **kwargs: Any) -> None:
        kwargs.pop("step_size", None)
        widget = widget or VnNumberInput(grouping=self.grouping, inputmode="numeric")
        super().__init__(widget=widget, **kwargs)
        self._vn_limits()

    def to_python(self, value: Any) -> int | None:
        if value in self.empty_values or (isinstance(value, str) and not value.strip()):
            return None
        number = parse_vn_number(value, decimal_places=0)
        if number != number.to_integral_value():
            raise ValidationError("Nhập một số nguyên, không có phần thập phân.", code="invalid")
        return int(number)

    def widget_attrs(self, widget: forms.Widget) -> dict[str, Any]:
        return forms.Field.widget_attrs(self, widget)


class VnYearField(VnIntegerField):
    """A year or another number that is a name, not a quantity: never "2.025"."""

    grouping = False


def vn_formfield(db_field: models.Field[Any, Any], **kwargs: Any) -> forms.Field | None:
    """`Meta.formfield_callback` for ModelForms: number columns become localized fields.
    Years (`year`, `*_year`) and ordinal numbers (`order`, `number`) are shown without grouping;
    `*_vnd` columns are money."""
    if isinstance(db_field, models.DecimalField) and not db_field.choices:
        form_class = VnMoneyField if db_field.name.endswith("_vnd") else VnDecimalField
        return db_field.formfield(form_class=form_class, **kwargs)
    if isinstance(db_field, models.IntegerField) and not db_field.choices:
        name = db_field.name
        plain = name == "year" or name.endswith("_year") or name in ("order", "number")
        return db_field.formfield(form_class=VnYearField if plain else VnIntegerField, **kwargs)
    if isinstance(db_field, models.FloatField) and not db_field.choices:
        return db_field.formfield(form_class=VnDecimalField, **kwargs)
    return db_field.formfield(**kwargs)
