"""Reduction targets and their status per planning entity, in carbon and in budget.

A :class:`Target` says "cut the ``baseline_year`` total of these categories by
``reduction`` in ``target_year``". :func:`target_status` compares, for every entity of
the tree (each entity's figure includes its descendants), the target-year total with
the baseline, in tCO2e and, when a budget is given, in money, and flags the entities
where the two verdicts disagree: the seed office tracked only its travel budget, and
budget and carbon do not always move together (a long-haul business ticket is cheap per
tonne, a hotel night in Geneva expensive).

Conventions
-----------
- ``met`` is ``actual <= target`` where ``target = baseline x (1 - reduction)``;
  landing exactly on the line counts as met. Sums of many float rows are compared with
  a tolerance of ``1e-9 x |baseline|`` (a nanotonne per tonne of baseline), so a total
  that equals the line up to rounding is met.
- ``change_pct = (actual - baseline) / baseline x 100`` (negative = reduction).
- ``gap = max(actual - target, 0)``: what is still to be cut (0 when met).
- A zero baseline has target 0: ``change_pct`` is NaN (no percentage change from
  nothing), ``met`` is True only when the actual is 0 too, and ``note`` says so; the
  same holds for a zero budget baseline (an entity without budget lines included), and
  ``divergence`` is then undefined.
- A target year with no row of the target's categories at all (a future year, an import
  not yet made) gives every entity an actual of 0, so ``met``; every ``note`` says so and
  a :class:`~sem_carbon.errors.SemCarbonWarning` is raised.
- Several targets: one long frame, the ``target_name`` column telling them apart
  (``target`` holds the target *amount*), so the result filters, pivots and exports
  like any other table.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from typing import Any

import attrs
import numpy as np
import pandas as pd

from ..entities import Entities
from ..errors import InputFormatError, InvalidArgumentError, SemCarbonWarning
from ._common import (
    ALL_CATEGORIES,
    CATEGORY_GROUPS,
    as_frame,
    category_mask,
    year_column,
)

__all__ = ["REL_TOL", "Target", "target_status"]

#: Relative tolerance of the met/not-met comparison (fraction of the baseline).
REL_TOL = 1e-9
_METRICS = ("co2e", "budget")
_ALL = "(all)"


def _to_fraction(value: Any) -> float:
    """0.5, "0.5" or "50%" -> 0.5; the value must lie in [0, 1]."""
    if isinstance(value, str):
        text = value.strip()
        try:
            number = float(text[:-1]) / 100.0 if text.endswith("%") else float(text)
        except ValueError:
            raise InvalidArgumentError(
                f"reduction must be a fraction like 0.5 or a percentage like "
                f"'50%', got {value!r}") from None
    else:
        number = float(value)
    if not np.isfinite(number) or not 0.0 <= number <= 1.0:
        hint = " (a percentage? write '50%' or 0.5)" if 1.0 < number <= 100.0 else ""
        raise InvalidArgumentError(f"reduction must lie between 0 and 1, got {value!r}{hint}")
    return number


def _to_categories(value: Any) -> tuple[str, ...]:
    names = (value,) if isinstance(value, str) else tuple(value)
    names = tuple(str(n).strip().lower() for n in names)
    if not names:
        raise InvalidArgumentError("categories must name at least one category or group")
    known = set(CATEGORY_GROUPS) | set(ALL_CATEGORIES)
    unknown = [n for n in names if n not in known]
    if unknown:
        raise InvalidArgumentError(
            f"unknown categor{'y' if len(unknown) == 1 else 'ies'} "
            f"{', '.join(unknown)}; use groups {', '.join(CATEGORY_GROUPS)} or "
            f"categories {', '.join(ALL_CATEGORIES)}")
    return names


@attrs.frozen
class Target:
    """A reduction target: ``target_year`` total <= ``baseline_year`` total x (1 - reduction).

    Parameters
    ----------
    baseline_year : int, default 2019
    target_year : int, default 2021
        Must come after ``baseline_year``.
    reduction : float or str, default 0.5
        Fraction to cut, 0..1; ``"50%"`` is accepted.
    categories : str or tuple of str, default ("travel",)
        Groups ``"travel"`` (air, rail, road, hotel), ``"facilities"`` (every other
        category), ``"all"``, or inventory categories (``"air"``, ``"electricity"`` ...).
    metric : {"co2e", "budget"}, default "co2e"
        The metric whose verdict is the target's own (``target_met`` in the status);
        both are shown whenever a budget is given.
    name : str, optional
        Label; default e.g. ``"travel -50% 2021 vs 2019 (co2e)"``.

    Examples
    --------
    >>> Target(reduction="50%").name
    'travel -50% 2021 vs 2019 (co2e)'
    """

    baseline_year: int = attrs.field(default=2019, converter=int)
    target_year: int = attrs.field(default=2021, converter=int)
    reduction: float = attrs.field(default=0.5, converter=_to_fraction)
    categories: tuple[str, ...] = attrs.field(default=("travel",), converter=_to_categories)
    metric: str = attrs.field(default="co2e", validator=attrs.validators.in_(_METRICS))
    name: str = attrs.field(default="", converter=str)

    def __attrs_post_init__(self) -> None:
        if self.target_year <= self.baseline_year:
            raise InvalidArgumentError(
                f"target_year ({self.target_year}) must come after baseline_year "
                f"({self.baseline_year})")
        if not self.name:
            object.__setattr__(self, "name", (
                f"{'+'.join(self.categories)} -{self.reduction * 100:g}% "
                f"{self.target_year} vs {self.baseline_year} ({self.metric})"))


def target_status(
    inventory: Any,
    target: Target | Sequence[Target],
    by: str | None = "entity",
    entities: Entities | None = None,
    budget: pd.DataFrame | str | None = None,
    headcount: pd.DataFrame | None = None,
    as_of: Any = None,
    currency: str | None = None,
    rates: Any = None,
) -> pd.DataFrame:
    """Status of one or several targets per entity, rolled up the entity tree.

    Parameters
    ----------
    inventory : Inventory, Ledger or DataFrame
        Inventory rows (``entity``, ``year`` or ``date``, ``category``, ``co2e_kg`` [kg],
        and ``cost``/``currency`` for ``budget="cost"``); a ledger gives its current rows.
    target : Target or sequence of Target
        Several targets give one long frame with a ``target_name`` column.
    by : str or None, default "entity"
        ``"entity"``: one row per entity (rolled up the tree when ``entities`` is given,
        else one row per entity found in the data); ``None``: one total row
        (entity ``"(all)"``); another column name: a flat breakdown by it (no budget or
        headcount then).
    entities : Entities, optional
        The planning-entity tree. Rows of ids missing from it are reported under
        ``"(unassigned)"`` (see :mod:`sem_carbon.entities`).
    budget : DataFrame or "cost", optional
        Spending per entity and year (``entity``, ``year``, ``amount`` [money],
        optional ``currency`` and ``date``), each entity's own spending (rolled up like
        emissions); or ``"cost"`` to use the inventory's ``cost`` column over the
        target's categories. Several currencies need ``currency=``. Amounts are read as
        the file readers read numbers (``1,250,000``, ``$ 800``); a budget line that is
        empty, not a number or negative raises, naming its row; a budget line whose
        ``date`` is in another year than its ``year``, or unreadable, raises too (see
        :func:`sem_carbon.money.to_currency`); a blank inventory cost counts 0 and
        the entity's ``note`` says how many baseline and target-year rows had none.
    headcount : DataFrame, optional
        ``entity``, ``year``, ``headcount`` [persons] (each entity's own staff);
        default: the headcount carried by ``entities``. Adds per-capita columns.
    as_of : date-like, optional
        A day of the target year: compare the year-to-date actual with a year-to-date
        allowance and project to the year end (see Notes).
    currency : str, optional
        Bring budget amounts or costs in several currencies to this ISO code with dated
        rates (:func:`sem_carbon.money.to_currency`: a dated cost at its day's rate, a
        yearly budget line at its year's average; a row without a rate raises an error,
        it is never converted at a guess). Needs the ``ledger`` extra.
    rates : Rates, optional
        Exchange rates (default: the bundled ECB reference rates).

    Returns
    -------
    DataFrame
        ``target_name``, ``entity``, ``name``, ``kind``, ``depth``, ``assigned``,
        ``unit`` ("tCO2e"), ``baseline``, ``actual``, ``target``, ``change_pct`` [%],
        ``met`` (bool), ``gap`` [tCO2e], ``note``; with a budget ``budget_currency``,
        ``budget_baseline``, ``budget_actual``, ``budget_target``,
        ``budget_change_pct``, ``budget_met``, ``budget_gap``, ``divergent`` (bool) and
        ``divergence`` ("met in both", "met in neither", "met in carbon, not in
        budget", "met in budget, not in carbon", or "" when undefined); with
        headcount ``headcount_baseline``, ``headcount_actual``, ``baseline_per_capita``,
        ``actual_per_capita`` [tCO2e / person]; always ``metric`` and ``target_met``
        (the verdict of the target's own metric).

    Raises
    ------
    InputFormatError
        The budget mixes currencies or lacks columns; an amount has no currency while
        others have one; a budget line, cost, year or headcount is not a number (or a
        headcount is negative); the inventory lacks columns.
    ValueError
        ``as_of`` outside the target year; ``metric="budget"`` without a budget;
        duplicate target names.

    Notes
    -----
    With ``as_of`` (year to date), ``actual`` is the target-year total up to and
    including ``as_of`` (undated target-year rows are left out and counted in
    ``note``) and the verdict is against an *allowance*: the target times the share of
    the baseline year's total that had accrued by the same day of the baseline year
    (``allowance_method = "seasonal"``, from the entity's dated baseline rows), or,
    when the baseline has no dated rows, times the elapsed fraction of the year
    (``"pro-rata"``). ``met`` then means "on track" and ``gap`` is the excess over the
    allowance. ``baseline_to_date`` is the baseline accrued by the same day, so
    ``change_pct`` compares like with like. ``projected`` extrapolates the actual
    linearly to the year end (``actual / elapsed_fraction``), ``projected_seasonal``
    with the baseline's profile (``actual / seasonal share``), and
    ``projected_met`` judges the linear projection. A budget frame has no dates: its
    target-year amount is taken as the spending to date and judged pro rata.
    """
    targets = [target] if isinstance(target, Target) else list(target)
    if not targets or not all(isinstance(t, Target) for t in targets):
        raise InvalidArgumentError("target must be a Target or a sequence of Target")
    names = [t.name for t in targets]
    if len(set(names)) != len(names):
        raise InvalidArgumentError(f"target names must be unique, got {names}")
    frame = as_frame(inventory)
    money = (currency, rates)
    blocks = [_status_one(frame, t, by, entities, budget, headcount, as_of, money)
              for t in targets]
    return pd.concat(blocks, ignore_index=True)


# ---------------------------------------------------------------------- internals
def _status_one(frame: pd.DataFrame, t: Target, by: str | None, entities: Entities | None,
                budget: pd.DataFrame | str | None, headcount: pd.DataFrame | None,
                as_of: Any, money: tuple[str | None, Any] = (None, None)) -> pd.DataFrame:
    if t.metric == "budget" and budget is None:
        raise InvalidArgumentError(
            f"target {t.name!r} is judged in budget: pass budget= (a frame of "
            "entity/year/amount, or 'cost')")
    if by not in (None, "entity") and (isinstance(budget, pd.DataFrame)
                                       or headcount is not None):
        raise InvalidArgumentError(
            "a budget frame or headcount applies per entity: use by='entity' "
            "or by=None")
    needed = [c for c in dict.fromkeys(("entity", by, "year", "date", "category", "co2e_kg",
                                        "cost", "currency", "source_row"))
              if c in frame.columns]
    mask = category_mask(frame, t.categories)
    rows = frame[needed] if mask.all() else frame[needed][mask]  # all rows: no gather
    year = year_column(rows).to_numpy()
    # summed per key without other parts: the key as codes (a text per row costs more
    # than the sums); the same per-group sums, in the same row order
    coded = not isinstance(budget, pd.DataFrame) and (headcount if headcount is not None
                                                       else getattr(entities, "headcount", None)
                                                       ) is None \
        and not (by == "entity" and entities is not None)
    key = _coded_keys(rows, by) if coded else _keys(rows, by)
    ytd = _YearToDate(as_of, t) if as_of is not None else None
    values = pd.DataFrame({"entity": key})
    co2 = pd.to_numeric(rows["co2e_kg"], errors="coerce").fillna(0.0).to_numpy() / 1000.0
    base, act = year == t.baseline_year, year == t.target_year
    notes_extra = ""
    if len(frame) and not act.any():
        # a target year not yet on file (a future year, an import not made) would read as a
        # 100% cut met by every entity: said on every line and warned
        notes_extra = (f"no {'+'.join(t.categories)} activity on file for {t.target_year}: "
                       "its actual is 0 (not yet reported?)")
        warnings.warn(f"target {t.name!r}: the inventory has no "
                      f"{'+'.join(t.categories)} rows in the target year {t.target_year}; "
                      "every actual is 0 and the verdicts say met", SemCarbonWarning,
                      stacklevel=3)
    if ytd is not None:
        dates = _dates(rows)
        undated = int((act & dates.isna()).sum())
        if undated:
            notes_extra = _joined(np.array([notes_extra], dtype=object), np.array(
                [f"{undated} undated target-year rows left out of the year to date"],
                dtype=object))[0]
        act = act & ytd.upto_actual(dates)
        values["base_dated"] = co2 * (base & dates.notna().to_numpy())
        values["base_todate"] = co2 * (base & ytd.upto_baseline(dates))
    values["baseline"] = co2 * base
    values["actual"] = co2 * act
    currency = ""
    if isinstance(budget, str):
        if budget != "cost":
            raise InvalidArgumentError(f"budget must be a DataFrame or 'cost', got {budget!r}")
        if "cost" not in rows.columns:
            raise InputFormatError("budget='cost' needs a 'cost' column in the inventory")
        amounts, blank = _cost_numbers(rows)
        currency, cost = _in_one_currency(pd.Series(amounts), rows.get("currency"),
                                          rows.get("date"), year, money, "inventory cost",
                                          rows.get("source_row"))
        values["budget_baseline"] = cost * base
        values["budget_actual"] = cost * act
        # rows of the two years without a cost: counted 0, and said on the entity's line
        values["cost_missing"] = (blank & (base | act)).astype(float)
        if ytd is not None:
            dates = _dates(rows)
            values["budget_base_dated"] = cost * (base & dates.notna().to_numpy())
            values["budget_base_todate"] = cost * (base & ytd.upto_baseline(dates))
    parts = [values]
    if isinstance(budget, pd.DataFrame):
        part, currency = _budget_part(budget, t, by, money)
        parts.append(part)
    heads = headcount if headcount is not None else (
        entities.headcount if entities is not None else None)
    if heads is not None:
        parts.append(_headcount_part(heads, t, by))
    own = pd.concat(parts, ignore_index=True).fillna(0.0)
    value_cols = [c for c in own.columns if c != "entity"]
    if by == "entity" and entities is not None:
        rolled = entities.rollup(own, value_cols)
        tree = entities.to_frame(entities.unknown(own["entity"]))
        tree = tree.rename(columns={"id": "entity"})[["entity", "name", "kind", "depth",
                                                      "assigned"]]
        out = tree.merge(rolled, on="entity", how="left")
    else:
        out = own.groupby("entity", sort=True, observed=True)[value_cols].sum().reset_index()
        if coded:  # back to the text column the object keys give
            out["entity"] = pd.Series(out["entity"].to_numpy(dtype=object), index=out.index)
        out.insert(1, "name", out["entity"])
        out.insert(2, "kind", "")
        out.insert(3, "depth", 0)
        out.insert(4, "assigned", True)
    result = _derive(out, t, ytd, currency, budget, heads is not None, notes_extra)
    if by == "entity" and entities is not None:
        result["note"] = _joined(result["note"].to_numpy(dtype=object),
                                 _near_id_notes(result["entity"].to_numpy(dtype=object),
                                                result["assigned"].to_numpy(dtype=bool)))
    return result


def _near_id_notes(ids: np.ndarray, assigned: np.ndarray) -> np.ndarray:
    """Per status line, a note when its id and another line's differ only in case or
    surrounding spaces (``co-ke`` in the tree, ``CO-KE`` in the activity data): the
    activity sits under the unassigned id, and the tree's entity looks as if it had none.
    One pass over the entities, not the activity rows."""
    def fold(value: object) -> str:
        return str(value).strip().casefold()

    groups: dict[str, list[str]] = {}
    for entity in ids:
        groups.setdefault(fold(entity), []).append(str(entity))
    notes = np.full(len(ids), "", dtype=object)
    for i, (entity, in_tree) in enumerate(zip(ids, assigned, strict=True)):
        others = [o for o in groups[fold(entity)] if o != str(entity)]
        if not others:
            continue
        shown = ", ".join(repr(o) for o in others)
        notes[i] = (f"activity under {shown} (not in the entity tree) differs from this id "
                    "only in case or spaces: it is not counted here" if in_tree else
                    f"not in the entity tree, which has {shown} (differs only in case or "
                    "spaces)")
    return notes


def _keys(rows: pd.DataFrame, by: str | None) -> np.ndarray:
    if by is None:
        return np.full(len(rows), _ALL, dtype=object)
    if by not in rows.columns:
        raise InputFormatError(f"inventory rows have no column {by!r} to group by")
    return rows[by].fillna("").astype(str).to_numpy(dtype=object)


def _coded_keys(rows: pd.DataFrame, by: str | None) -> np.ndarray | pd.Categorical:
    """:func:`_keys` as a categorical whose labels sort as the texts do (grouped with
    ``sort=True`` in the same order)."""
    if by is None:  # one group: no factorisation of a text per row
        return pd.Categorical.from_codes(np.zeros(len(rows), dtype=np.int8), [_ALL])
    if by not in rows.columns:
        return _keys(rows, by)
    codes, uniques = pd.factorize(rows[by], use_na_sentinel=True)
    labels = pd.Series(uniques, dtype=object).fillna("").astype(str).to_numpy(dtype=object)
    labels = np.append(labels, "")  # missing -> ""
    codes = np.where(codes < 0, len(labels) - 1, codes)
    distinct, remap = np.unique(labels, return_inverse=True)
    return pd.Categorical.from_codes(remap.reshape(-1)[codes], distinct.tolist())


def _dates(rows: pd.DataFrame) -> pd.Series:
    if "date" not in rows.columns:
        return pd.Series(pd.NaT, index=rows.index, dtype="datetime64[ns]")
    return pd.to_datetime(rows["date"], errors="coerce").dt.normalize()


def _in_one_currency(amounts: pd.Series, currencies: pd.Series | None,
                     dates: pd.Series | None, year: np.ndarray,
                     money: tuple[str | None, Any], what: str,
                     rows: pd.Series | None = None) -> tuple[str, np.ndarray]:
    """Amounts in one currency, and its code: as given when they all share one (``money``
    names no currency), else converted with dated rates (:mod:`sem_carbon.money`).

    An amount without a currency next to amounts with one raises (``rows``: the rows'
    numbers for the message, else their position): it would be read in the others'
    currency, or in the one converted to, at a guess.
    """
    found = _currencies_given(amounts, currencies, what, rows)
    if money[0] is None:
        return (_one_currency(found, what),
                pd.to_numeric(amounts, errors="coerce").fillna(0.0).to_numpy())
    from ..money import to_currency

    currency = money[0].strip().upper()
    return currency, to_currency(amounts, currencies, to=currency, date=dates, year=year,
                                 rates=money[1], what=what)


def _currencies_given(amounts: pd.Series, currencies: pd.Series | None, what: str,
                      rows: pd.Series | None) -> list[str]:
    """The distinct currency codes given (upper case, sorted; the column read once); raises
    when a non-zero amount has no currency while other amounts have one."""
    if currencies is None:
        return []
    codes, uniques = pd.factorize(currencies, use_na_sentinel=True)
    texts = pd.Series(uniques, dtype=object).astype(str).str.strip().str.upper()
    given = ~texts.isin(["", "NAN", "<NA>", "NONE"]).to_numpy()
    found = sorted(set(texts[given]))
    if not given.any() or (given.all() and (codes >= 0).all()):
        return found  # no blank cell beside a given one
    blank = ~np.append(given, False)[np.where(codes < 0, len(given), codes)]
    value = pd.to_numeric(amounts, errors="coerce").to_numpy(dtype=float)
    wrong = np.flatnonzero(blank & np.isfinite(value) & (value != 0))
    if wrong.size:
        i = int(wrong[0])
        where = (f"source row {rows.iloc[i]}" if rows is not None
                 else f"row {i + 1} (of the table, header not counted)")
        raise InputFormatError(
            f"{what}: {wrong.size} amount(s) without a currency beside amounts in "
            f"{', '.join(found)}; first: {where}, amount {value[i]:g}: give each amount its "
            "currency")
    return found


def _cost_numbers(rows: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """The inventory's ``cost`` as numbers (``1,250``, ``$ 800`` as the readers take them)
    and where it is blank (counted as 0, and noted); a cost that cannot be read raises,
    naming its source row: counted as 0 it would make spending look cut."""
    from ..io.parse import parse_numbers

    parsed = parse_numbers(rows["cost"].reset_index(drop=True))
    wrong = np.flatnonzero(parsed.bad)
    if wrong.size:
        i = int(wrong[0])
        where = (f"source row {rows['source_row'].iloc[i]}" if "source_row" in rows
                 else f"row {i + 1}")
        raise InputFormatError(
            f"inventory cost: {wrong.size} row(s) whose cost is not a number; first: "
            f"{where}, cost {rows['cost'].iloc[i]!r}")
    return np.where(parsed.missing, 0.0, parsed.values), parsed.missing


def _one_currency(found: list[str], what: str) -> str:
    """The one currency of ``found`` (:func:`_currencies_given`), "" for none."""
    if len(found) > 1:
        raise InputFormatError(f"{what} mixes currencies ({', '.join(found)}): pass "
                               "currency='USD' (or another code) to convert with dated rates")
    return found[0] if found else ""


def _readable_numbers(frame: pd.DataFrame, column: str, what: str) -> np.ndarray:
    """The numbers of ``frame[column]`` (``1,250,000``, ``$ 800``, ``(12.5)`` as the
    readers take them); an empty or unreadable cell raises, naming its row: a budget line
    read as 0 would judge spending that was never cut as cut."""
    from ..io.parse import parse_numbers

    parsed = parse_numbers(frame[column].reset_index(drop=True))
    wrong = np.flatnonzero(parsed.missing | parsed.bad)
    if wrong.size:
        i = int(wrong[0])
        cell = frame[column].iloc[i]
        why = "is empty" if parsed.missing[i] else f"{cell!r} is not a number"
        raise InputFormatError(
            f"{what}: {wrong.size} row(s) without a readable {column}; first: row {i + 1} "
            f"(of the table, header not counted), {column} {why}")
    return parsed.values


def _budget_part(budget: pd.DataFrame, t: Target, by: str | None,
                 money: tuple[str | None, Any] = (None, None)) -> tuple[pd.DataFrame, str]:
    need = [c for c in ("entity", "year", "amount") if c not in budget.columns]
    if need:
        raise InputFormatError(f"budget frame lacks column(s) {', '.join(need)} "
                               "(needs entity, year, amount[, currency])")
    year = _readable_numbers(budget, "year", "budget")
    amounts = _readable_numbers(budget, "amount", "budget")
    if (amounts < 0).any():  # a negative line would make the year's spending look cut
        wrong = np.flatnonzero(amounts < 0)
        i = int(wrong[0])
        raise InputFormatError(
            f"budget: {wrong.size} row(s) with a negative amount; first: row {i + 1} (of the "
            f"table, header not counted), amount {budget['amount'].iloc[i]!r}: a yearly "
            "budget or spending line is not negative (net a refund into its year's line)")
    if "date" in budget.columns:  # checked with or without a conversion
        from ..vocabulary import YEAR_DATE_DISAGREE, year_date_disagreement

        other = np.flatnonzero(year_date_disagreement(
            budget[["year", "date"]].reset_index(drop=True)))
        if other.size:
            i = int(other[0])
            raise InputFormatError(
                f"budget: {other.size} row(s) whose year and date disagree; first: row "
                f"{i + 1} (of the table, header not counted), year {year[i]:g}, date "
                f"{budget['date'].iloc[i]!r}: {YEAR_DATE_DISAGREE}")
    currency, amount = _in_one_currency(pd.Series(amounts), budget.get("currency"),
                                        budget.get("date"), year, money, "budget")
    key = (np.full(len(budget), _ALL, dtype=object) if by is None
           else budget["entity"].fillna("").astype(str).to_numpy(dtype=object))
    part = pd.DataFrame({"entity": key,
                         "budget_baseline": amount * (year == t.baseline_year),
                         "budget_actual": amount * (year == t.target_year)})
    return part, currency


def _headcount_part(heads: pd.DataFrame, t: Target, by: str | None) -> pd.DataFrame:
    need = [c for c in ("entity", "year", "headcount") if c not in heads.columns]
    if need:
        raise InputFormatError(f"headcount frame lacks column(s) {', '.join(need)}")
    year = _readable_numbers(heads, "year", "headcount")
    count = _readable_numbers(heads, "headcount", "headcount")
    if (count < 0).any():
        i = int(np.flatnonzero(count < 0)[0])
        raise InputFormatError(f"headcount: row {i + 1} (of the table, header not counted) "
                               f"has a negative headcount ({count[i]:g})")
    key = (np.full(len(heads), _ALL, dtype=object) if by is None
           else heads["entity"].fillna("").astype(str).to_numpy(dtype=object))
    return pd.DataFrame({"entity": key,
                         "headcount_baseline": count * (year == t.baseline_year),
                         "headcount_actual": count * (year == t.target_year)})


class _YearToDate:
    """The day a year-to-date status is taken, and its counterpart in the baseline year."""

    def __init__(self, as_of: Any, t: Target) -> None:
        day = pd.Timestamp(as_of).normalize()
        if day.year != t.target_year:
            raise InvalidArgumentError(
                f"as_of {day.date()} is not in the target year {t.target_year}")
        self.day = day
        try:
            self.base_day = day.replace(year=t.baseline_year)
        except ValueError:  # 29 February in a baseline year that has none
            self.base_day = pd.Timestamp(t.baseline_year, 2, 28)
        self.elapsed = day.day_of_year / (366.0 if day.is_leap_year else 365.0)

    def upto_actual(self, dates: pd.Series) -> np.ndarray:
        return (dates <= self.day).fillna(False).to_numpy(dtype=bool)

    def upto_baseline(self, dates: pd.Series) -> np.ndarray:
        return (dates <= self.base_day).fillna(False).to_numpy(dtype=bool)


def _verdict(baseline: np.ndarray, actual: np.ndarray, reduction: float,
             share: np.ndarray | float = 1.0) -> dict[str, np.ndarray]:
    """Target, met, gap and change for arrays of baselines and actuals (any unit)."""
    target = baseline * (1.0 - reduction)
    allowance = target * share
    reference = baseline * share
    met = actual <= allowance + REL_TOL * np.abs(baseline)
    gap = np.where(met, 0.0, np.maximum(actual - allowance, 0.0))
    with np.errstate(divide="ignore", invalid="ignore"):
        change = np.where(reference != 0, (actual - reference) / reference * 100.0, np.nan)
    return {"target": target, "allowance": allowance, "met": met, "gap": gap,
            "change_pct": change, "reference": reference}


def _derive(out: pd.DataFrame, t: Target, ytd: _YearToDate | None, currency: str,
            budget: pd.DataFrame | str | None, has_heads: bool, notes_extra: str) -> pd.DataFrame:
    base = out["baseline"].to_numpy(dtype=float)
    act = out["actual"].to_numpy(dtype=float)
    result = out[["entity", "name", "kind", "depth", "assigned"]].copy()
    result.insert(0, "target_name", t.name)
    result["unit"] = "tCO2e"
    share, method = _share(out, "", ytd)
    v = _verdict(base, act, t.reduction, share)
    result["baseline"] = base
    result["actual"] = act
    result["target"] = v["target"]
    result["change_pct"] = v["change_pct"]
    result["met"] = v["met"]
    result["gap"] = v["gap"]
    note = np.where(base == 0, "no baseline-year activity: change undefined, met only if the "
                    "target year has none either", "")
    if notes_extra:
        note = np.where(note == "", notes_extra, note + "; " + notes_extra)
    result["note"] = note
    if ytd is not None:
        result["as_of"] = ytd.day
        result["elapsed_fraction"] = ytd.elapsed
        result["baseline_to_date"] = v["reference"]
        result["allowance"] = v["allowance"]
        result["allowance_method"] = method
        result["projected"] = act / ytd.elapsed
        with np.errstate(divide="ignore", invalid="ignore"):
            result["projected_seasonal"] = np.where(
                (method == "seasonal") & (share > 0), act / share, np.nan)
        result["projected_met"] = result["projected"].to_numpy() <= (
            v["target"] + REL_TOL * np.abs(base))
    if budget is not None:
        b_base = out["budget_baseline"].to_numpy(dtype=float)
        b_act = out["budget_actual"].to_numpy(dtype=float)
        b_share, b_method = (_share(out, "budget_", ytd) if isinstance(budget, str)
                             else ((ytd.elapsed, "pro-rata") if ytd is not None else (1.0, "")))
        b = _verdict(b_base, b_act, t.reduction, b_share)
        result["budget_currency"] = currency
        result["budget_baseline"] = b_base
        result["budget_actual"] = b_act
        result["budget_target"] = b["target"]
        result["budget_change_pct"] = b["change_pct"]
        result["budget_met"] = b["met"]
        result["budget_gap"] = b["gap"]
        if ytd is not None:
            result["budget_allowance"] = b["allowance"]
            result["budget_allowance_method"] = b_method
        # said as the carbon side says it: a verdict from a zero baseline is not a change
        budget_note = np.where(
            b_base == 0, "no baseline-year budget: budget change undefined, met only if the "
            "target year has none either", "")
        if "cost_missing" in out:
            missing = out["cost_missing"].to_numpy(dtype=float)
            budget_note = _joined(budget_note, np.where(
                missing > 0, [f"{m:,.0f} baseline or target-year rows without a cost "
                              "(counted as 0)" for m in missing], ""))
        result["note"] = _joined(result["note"].to_numpy(dtype=object), budget_note)
        defined = (base != 0) & (b_base != 0)
        result["divergent"] = defined & (v["met"] != b["met"])
        result["divergence"] = _divergence_text(v["met"], b["met"], defined)
    if has_heads:
        hb = out["headcount_baseline"].to_numpy(dtype=float)
        ha = out["headcount_actual"].to_numpy(dtype=float)
        result["headcount_baseline"] = hb
        result["headcount_actual"] = ha
        with np.errstate(divide="ignore", invalid="ignore"):
            result["baseline_per_capita"] = np.where(hb > 0, base / hb, np.nan)
            result["actual_per_capita"] = np.where(ha > 0, act / ha, np.nan)
    result["metric"] = t.metric
    result["target_met"] = result["met"] if t.metric == "co2e" else result["budget_met"]
    return result.reset_index(drop=True)


def _joined(first: np.ndarray, second: np.ndarray) -> np.ndarray:
    """Two notes per row joined with "; " (either may be empty)."""
    first, second = np.asarray(first, dtype=object), np.asarray(second, dtype=object)
    both = (first != "") & (second != "")
    return np.where(both, first + "; " + second, np.where(first != "", first, second))


def _share(out: pd.DataFrame, prefix: str, ytd: _YearToDate | None
           ) -> tuple[np.ndarray | float, np.ndarray | str]:
    """Year-to-date share of the baseline per row and the method used ("" without as_of)."""
    if ytd is None:
        return 1.0, ""
    dated = out[f"{prefix}base_dated"].to_numpy(dtype=float)
    todate = out[f"{prefix}base_todate"].to_numpy(dtype=float)
    seasonal = dated > 0
    with np.errstate(divide="ignore", invalid="ignore"):
        share = np.where(seasonal, todate / dated, ytd.elapsed)
    return share, np.where(seasonal, "seasonal", "pro-rata")


def _divergence_text(met: np.ndarray, budget_met: np.ndarray, defined: np.ndarray) -> np.ndarray:
    text = np.select(
        [met & budget_met, ~met & ~budget_met, met & ~budget_met],
        ["met in both", "met in neither", "met in carbon, not in budget"],
        "met in budget, not in carbon",
    ).astype(object)
    return np.where(defined, text, "")
