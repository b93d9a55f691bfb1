"""The booking form's extras: the branch's catalogue (:meth:`Storefront.extras_offered`, what the
desk's picker lists), the customer's choice, and the price with them (the engine's quote). The
stock of an item is checked where every path checks it: by the engine, in the booking's own
transaction (:func:`rentaldesk.extras.check_stock`), so the web cannot take the last child seat a
counter just took; the refusal is shown next to the extras."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..charges import money_in
from ..errors import RentalError
from ..extras import CatalogueItem
from ..text import printable
from .storefront import EXTRA_FIELD, Search, Storefront, most_of


def extra_choices(store: Storefront, search: Search, fields: Mapping[str, str], context: Mapping[str, Any]) -> dict[str, Any]:
    """The booking form's extras context: ``extras`` (each item with its field, the most one may
    take and the number chosen), and with a choice, ``offer_price`` and ``offer_lines`` of the rental
    with them; a bad choice is ``errors["extras"]``."""
    items = store.extras_offered(search.location.zip_code)
    if not items:
        return {}
    currency = store.currency(search.vehicle_class, search.location.zip_code) if search.vehicle_class else ""

    def price(item: CatalogueItem) -> str:
        words = f"{money_in(item.price, currency)} a {item.per}"
        return words if item.cap is None else f"{words}, at most {money_in(item.cap, currency)}"

    listed = [{"item": item, "field": f"{EXTRA_FIELD}{item.code}", "most": most_of(item), "price": price(item),
               "chosen": fields.get(f"{EXTRA_FIELD}{item.code}", "").strip()} for item in items]
    found: dict[str, Any] = {"extras": listed}
    if context.get("offer") is None:
        return found
    try:
        chosen = store.chosen_extras(search.location.zip_code, fields)
        if chosen:
            found["offer_price"], found["offer_lines"] = store.quote(search, chosen)
    except RentalError as exc:
        found["errors"] = {**context.get("errors", {}), "extras": printable(exc.message)}
    return found
