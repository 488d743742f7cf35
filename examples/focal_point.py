"""Travel focal point: from the agency's booking export to the division's report.

The script plays a month-end routine for the Division of Thematic Engagement (DTE) of
the example office:

1. receive the travel agency's export (made here from the example travel log, in the
   agency's own column names, with the usual problems of real exports);
2. read it with the bundled ``agency`` mapping preset and look at what went wrong;
3. fix the mapping (the export says "Cost Center", not "Cost Centre") and save it as a
   preset file for next month;
4. read the rejected rows, correct the source where the data are wrong, read again;
5. compute the emissions;
6. write the report to send (HTML for reading, Excel for the finance colleagues).

Usage::

    python examples/focal_point.py            # files in a temporary folder, then deleted
    python examples/focal_point.py OUT_DIR    # keep the export, preset and report in OUT_DIR

The page docs/guide-focal-point.md shows this script and its output.
"""

from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd

import sem_carbon as sc
from sem_carbon.io.columns import load_preset
from sem_carbon.report.demo import example_data_dir

ENTITY = "DTE"


def data_dir() -> Path:
    """The example office's data: next to this script, else the copy in the package."""
    here = Path(__file__).resolve().parent / "data"
    return here if (here / "entities.csv").is_file() else example_data_dir()


def show(frame: pd.DataFrame, indent: str = "   ") -> None:
    text = frame.to_string(index=False, float_format=lambda v: f"{v:,.1f}")
    print(indent + text.replace("\n", "\n" + indent))


# ------------------------------------------------------------------------- the export
def _routing(row: pd.Series) -> str:
    """The agency writes every airport of the ticket: GVA/NBO/EBB/NBO/GVA."""
    if row["mode"] != "air":
        return ""
    stops = row["route"].split("-") if row["route"] else [row["origin"], row["destination"]]
    if row["round_trip"] == "True":
        stops = stops + stops[-2::-1]
    return "/".join(stops)


def make_agency_export(path: Path) -> tuple[pd.DataFrame, dict[tuple[str, str], str]]:
    """Write DTE's January-September 2023 bookings as the agency exports them.

    Returns the export and the corrections the agency confirms when asked:
    ``{(invoice number, column): right value}``.
    """
    log = pd.read_csv(data_dir() / "travel_2010_2024.csv", dtype=str, keep_default_na=False)
    rows = log[(log["entity"] == ENTITY) & log["date"].between("2023-01-01", "2023-09-30")]
    rows = rows[rows["mode"].isin(["air", "rail", "hotel"])].reset_index(drop=True)
    export = pd.DataFrame({
        "Booking Ref": rows["trip_id"],
        "Invoice No": [f"INV-23-{i:04d}" for i in range(1, len(rows) + 1)],
        "Cost Center": rows["entity"],
        "Travel Date": pd.to_datetime(rows["date"]).dt.strftime("%d/%m/%Y"),
        "Product Type": rows["mode"].map({"air": "Air", "rail": "Rail", "hotel": "Hotel"}),
        "Routing": rows.apply(_routing, axis=1),
        "Class": rows["cabin"].str.capitalize(),
        "Pax": rows["passengers"],
        "Rail Distance (km)": np.where(rows["mode"] == "rail", rows["distance"], ""),
        "Car Distance (km)": "",
        "Hotel Nights": rows["nights"],
        "Hotel Country": rows["country"],
        "Ticket Amount": rows["cost"],
        "Currency": rows["currency"],
        "Traveller Name": rows["traveller"],
    })
    # what real exports hold: a typing error in a routing, a hotel line without its
    # country, an impossible date, a non-travel product, a cancelled and refunded ticket
    corrections: dict[tuple[str, str], str] = {}

    def spoil(index: int, column: str, wrong: str) -> None:
        corrections[(export.loc[index, "Invoice No"], column)] = export.loc[index, column]
        export.loc[index, column] = wrong

    air = export.index[export["Product Type"] == "Air"]
    to_new_york = export.index[export["Routing"].str.contains("JFK")]
    hotel = export.index[export["Product Type"] == "Hotel"]
    spoil(to_new_york[1], "Routing", export.loc[to_new_york[1], "Routing"].replace("JFK", "JKF"))
    spoil(hotel[5], "Hotel Country", "")
    spoil(air[10], "Travel Date", "31/02/2023")
    visa = export.loc[[air[12]]].assign(**{"Invoice No": "INV-23-V001", "Product Type": "Visa Fee",
                                           "Routing": "", "Class": "", "Ticket Amount": "60.00"})
    refund = export.loc[[air[20]]].assign(**{
        "Invoice No": "INV-23-R001", "Ticket Amount": "-" + export.loc[air[20], "Ticket Amount"]})
    export = pd.concat([export, visa, refund], ignore_index=True)
    export.to_csv(path, index=False, lineterminator="\n")
    return export, corrections


# ------------------------------------------------------------------------- the routine
def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv:
        out = Path(argv[0])
        out.mkdir(parents=True, exist_ok=True)
        return routine(out)
    with tempfile.TemporaryDirectory(prefix="sem-carbon-focal-point-") as tmp:
        return routine(Path(tmp))


def routine(out: Path) -> int:
    export_path = out / "agency_export_2023-01_2023-09.csv"
    export, corrections = make_agency_export(export_path)
    print(f"1. Received {export_path.name}: {len(export)} booking lines")

    print("\n2. Read it with the bundled 'agency' preset")
    log = sc.read_travel_log(export_path, mapping="agency")
    print(f"   {log.reconciliation()}")
    blank = (log.data["entity"] == "").sum()
    print(f"   data rows without an entity: {blank} of {len(log.data)}  <- a column was missed")
    print(f"   the preset maps entity <- {load_preset('agency')['columns']['entity']!r}; "
          f"the export has {[c for c in export.columns if c.startswith('Cost')]}")

    print("\n3. Fix the mapping and save it as our own preset for next month")
    preset = load_preset("agency")
    preset.update(name="dte-agency",
                  description="Our agency's export: as 'agency', with 'Cost Center'.")
    preset["columns"]["entity"] = "Cost Center"
    preset_path = out / "dte-agency.json"
    preset_path.write_text(json.dumps(preset, indent=2), encoding="utf-8")
    log = sc.read_travel_log(export_path, mapping=preset_path)
    print(f"   {log.reconciliation()}")
    print(f"   entities now: {sorted(log.data['entity'].unique())}")

    print("\n4. The rejected rows (source_row = the line number in a spreadsheet)")
    show(log.rejected)
    fixed = export.copy()
    for (invoice, column), right in corrections.items():  # as confirmed by the agency
        wrong = export.loc[export["Invoice No"] == invoice, column].iloc[0]
        print(f"   correct {invoice} {column}: {wrong!r} -> {right!r}")
        fixed.loc[fixed["Invoice No"] == invoice, column] = right
    fixed_path = out / "agency_export_2023-01_2023-09_corrected.csv"
    fixed.to_csv(fixed_path, index=False, lineterminator="\n")
    log = sc.read_travel_log(fixed_path, mapping=preset_path)
    print("   read the corrected export again:")
    print(f"   {log.reconciliation()}")
    print("   still rejected, rightly:")
    show(log.rejected[["source_row", "column", "value", "reason"]])

    print("\n5. Compute (each row with the DESNZ edition of its year)")
    inv = sc.calculate(log)
    print(f"   {inv!r}")
    show(inv.by("category")[["category", "rows", "tco2e"]])
    top = inv.data[inv.data["category"] == "air"].nlargest(3, "co2e_kg")
    show(top[["trip_id", "origin", "destination", "cabin", "distance_km", "haul", "co2e_kg",
              "factor_id"]])

    print("\n6. The report to send")
    org = sc.Entities.from_csv(data_dir() / "entities.csv")
    report = sc.Report(inv, entities=org, title="DTE travel emissions, January-September 2023")
    html = report.to_html(out / "DTE-travel-2023-Q1-Q3.html")
    xlsx = report.to_excel(out / "DTE-travel-2023-Q1-Q3.xlsx")
    print(f"   wrote {html.name} and {xlsx.name}")
    for kpi in report.kpis():
        decimals = 0 if kpi["unit"] == "rows" else 1
        value = "n/a" if kpi["value"] is None else f"{kpi['value']:,.{decimals}f}"
        print(f"   {kpi['label']}: {value} {kpi['unit']} ({kpi['detail']})")
    return 0


if __name__ == "__main__":
    pd.set_option("display.width", 120)
    sys.exit(main())
