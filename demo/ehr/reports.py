"""The CSV export: a year of vital signs for every patient, produced piece by piece.

UTF-8 with a byte order mark and CRLF line ends, so Excel on a Japanese Windows PC opens it with
the names intact. The rows are generated (seeded by the patient ID), never held in memory at once.
"""

import csv
import datetime
import io
import random

from records import JST, vitals_for

BOM = "\ufeff"
DAYS = 365
TIMES = (6, 14, 22)          # three measurements a day
HEADER = ["患者ID", "氏名", "病棟", "測定日時", "体温(℃)", "収縮期血圧(mmHg)", "拡張期血圧(mmHg)",
          "脈拍(/分)", "SpO2(%)"]


def vitals_csv(patients, rows_per_piece=500):
    """Yields the export as UTF-8 byte strings of about rows_per_piece rows each."""
    buf = io.StringIO()
    out = csv.writer(buf, lineterminator="\r\n")
    buf.write(BOM)
    out.writerow(HEADER)
    today = datetime.datetime.now(JST).replace(minute=0, second=0, microsecond=0)
    start = today - datetime.timedelta(days=DAYS)
    rows = 0
    for p in patients:
        rng = random.Random("export:" + p["id"])
        for day in range(DAYS):
            for hour in TIMES:
                v = vitals_for(rng, (start + datetime.timedelta(days=day)).replace(hour=hour))
                out.writerow([p["id"], p["name"], p["ward"], v["time"], f'{v["temp"]:.1f}', v["sys"],
                              v["dia"], v["pulse"], v["spo2"]])
                rows += 1
                if rows % rows_per_piece == 0:
                    yield buf.getvalue().encode("utf-8")
                    buf.seek(0)
                    buf.truncate()
    if buf.tell():
        yield buf.getvalue().encode("utf-8")
