"""The demo EHR's records: ten fictional patients kept in DIR/patients.json.

The whole file is loaded at start and held in memory. Every change is made under one lock and
written back atomically (a temp file in the same directory, fsync, os.replace), so a crash never
leaves half a file. All names and values are invented.
"""

import copy
import datetime
import fcntl
import json
import os
import random
import tempfile
import threading
import unicodedata

JST = datetime.timezone(datetime.timedelta(hours=9), "JST")
DATA_FILE = "patients.json"
LOCK_FILE = "ehr.lock"

# id, name, reading, sex, birth date, ward, room, allergies, medications (drug, dose, usage)
_PATIENTS = [
    ("P000123", "山田 太郎", "やまだ たろう", "男", "1948-04-12", "内科病棟 3階東", "301",
     ["ペニシリン系抗菌薬 (発疹)"],
     [("アムロジピン錠 5mg", "1錠", "1日1回 朝食後"), ("ランソプラゾールOD錠 15mg", "1錠", "1日1回 朝食後")]),
    ("P000245", "佐藤 花子", "さとう はなこ", "女", "1956-09-03", "外科病棟 4階西", "412",
     [],
     [("セレコキシブ錠 100mg", "1錠", "1日2回 朝夕食後"), ("レバミピド錠 100mg", "1錠", "1日3回 毎食後")]),
    ("P000318", "鈴木 一郎", "すずき いちろう", "男", "1939-12-21", "内科病棟 3階東", "305",
     ["ヨード造影剤 (蕁麻疹)", "そば"],
     [("ワルファリンK錠 1mg", "3錠", "1日1回 夕食後"), ("フロセミド錠 20mg", "1錠", "1日1回 朝食後")]),
    ("P000402", "高橋 美咲", "たかはし みさき", "女", "1987-06-30", "産婦人科病棟 5階", "503",
     ["卵"],
     [("クエン酸第一鉄Na錠 50mg", "2錠", "1日1回 夕食後")]),
    ("P000517", "田中 健二", "たなか けんじ", "男", "1962-02-14", "循環器病棟 6階", "608",
     [],
     [("アスピリン腸溶錠 100mg", "1錠", "1日1回 朝食後"), ("ビソプロロール錠 2.5mg", "1錠", "1日1回 朝食後"),
      ("アトルバスタチン錠 10mg", "1錠", "1日1回 夕食後")]),
    ("P000634", "伊藤 由美子", "いとう ゆみこ", "女", "1951-11-08", "整形外科病棟 4階東", "421",
     ["NSAIDs (喘息発作)"],
     [("アセトアミノフェン錠 500mg", "1錠", "疼痛時 1日3回まで")]),
    ("P000751", "渡辺 翔太", "わたなべ しょうた", "男", "2001-07-19", "整形外科病棟 4階東", "425",
     [],
     [("ロキソプロフェンNa錠 60mg", "1錠", "1日3回 毎食後"), ("セファゾリン点滴 1g", "1V", "1日2回 8時・20時")]),
    ("P000866", "中村 千代", "なかむら ちよ", "女", "1933-03-05", "地域包括ケア病棟 2階", "207",
     ["ラテックス"],
     [("ドネペジル錠 5mg", "1錠", "1日1回 朝食後"), ("酸化マグネシウム錠 330mg", "2錠", "1日3回 毎食後")]),
    ("P000972", "小林 大輔", "こばやし だいすけ", "男", "1975-10-27", "循環器病棟 6階", "612",
     ["サルファ剤 (発熱)"],
     [("メトホルミン錠 500mg", "1錠", "1日2回 朝夕食後"), ("シタグリプチン錠 50mg", "1錠", "1日1回 朝食後")]),
    ("P001088", "加藤 恵子", "かとう けいこ", "女", "1968-05-16", "外科病棟 4階西", "408",
     [],
     [("エルデカルシトール カプセル 0.75µg", "1C", "1日1回 朝食後"), ("カロナール錠 200mg", "2錠", "疼痛時")]),
]

# test, unit, low, high, typical value, spread, decimals
_LABS = [
    ("白血球数 (WBC)", "/µL", 3300, 8600, 6500, 2500, 0),
    ("ヘモグロビン (Hb)", "g/dL", 11.6, 16.8, 13.2, 2.0, 1),
    ("血小板数 (PLT)", "万/µL", 15.8, 34.8, 24.0, 7.0, 1),
    ("CRP", "mg/dL", 0.00, 0.14, 0.3, 1.5, 2),
    ("AST", "U/L", 13, 30, 24, 12, 0),
    ("ALT", "U/L", 7, 30, 22, 14, 0),
    ("クレアチニン (Cr)", "mg/dL", 0.46, 1.07, 0.85, 0.35, 2),
    ("HbA1c", "%", 4.9, 6.0, 5.9, 0.9, 1),
]

_FIRST_NOTES = [
    "入院時カンファレンス実施。治療方針について本人・家族へ説明し同意を得た。",
    "夜間良眠。疼痛の訴えなし。食事摂取 8割。",
    "リハビリ開始。病棟内歩行器歩行 見守りにて可。",
]


def vitals_for(rng, when):
    """One plausible set of vital signs measured at `when`."""
    return {
        "time": when.strftime("%Y-%m-%d %H:%M"),
        "temp": round(rng.gauss(36.7, 0.35), 1),
        "sys": int(rng.gauss(128, 12)),
        "dia": int(rng.gauss(76, 8)),
        "pulse": int(rng.gauss(74, 9)),
        "spo2": min(100, int(rng.gauss(97, 1.3))),
    }


def _seed(now):
    patients = []
    for n, (pid, name, kana, sex, born, ward, room, allergies, meds) in enumerate(_PATIENTS):
        rng = random.Random(pid)
        admitted = (now - datetime.timedelta(days=3 + n * 2)).date()
        vitals = [vitals_for(rng, (now - datetime.timedelta(hours=8 * k)).replace(minute=0))
                  for k in range(6)]
        drawn = (now - datetime.timedelta(days=1)).strftime("%Y-%m-%d")
        labs = []
        for test, unit, low, high, typical, spread, decimals in _LABS:
            value = max(10 ** -decimals, round(rng.gauss(typical, spread / 2), decimals))
            flag = "H" if value > high else "L" if value < low else ""
            labs.append({"date": drawn, "test": test, "value": f"{value:.{decimals}f}", "unit": unit,
                         "range": f"{low:.{decimals}f}–{high:.{decimals}f}", "flag": flag})
        note_time = datetime.datetime.combine(admitted, datetime.time(10, 30), JST)
        patients.append({
            "id": pid, "name": name, "kana": kana, "sex": sex, "born": born,
            "ward": ward, "room": room, "admitted": admitted.isoformat(),
            "allergies": allergies,
            "medications": [{"drug": d, "dose": q, "usage": u} for d, q, u in meds],
            "vitals": vitals, "labs": labs,
            "notes": [{"time": note_time.strftime("%Y-%m-%d %H:%M"), "author": "主治医 (初期データ)",
                       "text": _FIRST_NOTES[n % len(_FIRST_NOTES)]}],
        })
    return {"version": 1, "patients": patients}


def age(born, today=None):
    today = today or datetime.datetime.now(JST).date()
    b = datetime.date.fromisoformat(born)
    return today.year - b.year - ((today.month, today.day) < (b.month, b.day))


def _fold(text):
    """Search key: full-width letters and digits folded (ＰＯ０１ → PO01), case-folded, no spaces."""
    return unicodedata.normalize("NFKC", text).casefold().replace(" ", "").replace("\u3000", "")


class StoreError(Exception):
    pass


class Store:
    def __init__(self, directory):
        self.dir = os.path.abspath(directory)
        self.path = os.path.join(self.dir, DATA_FILE)
        self._lock = threading.Lock()
        try:
            os.makedirs(self.dir, mode=0o700, exist_ok=True)
            # One server per data directory: a second one would overwrite the first one's notes.
            self._lockfile = open(os.path.join(self.dir, LOCK_FILE), "a")
            fcntl.flock(self._lockfile, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise StoreError(f"{self.dir}: another demo EHR is using this data directory") from None
        except OSError as e:
            raise StoreError(f"{self.dir}: {e.strerror}") from None
        for name in os.listdir(self.dir):       # left behind by a crash in the middle of a write
            if name.startswith(".patients-") and name.endswith(".tmp"):
                os.unlink(os.path.join(self.dir, name))
        try:
            with open(self.path, encoding="utf-8") as f:
                self._data = json.load(f)
            if not isinstance(self._data.get("patients"), list):
                raise ValueError("no patient list")
        except FileNotFoundError:
            self._data = _seed(datetime.datetime.now(JST))
            self._write()
        except (OSError, ValueError, AttributeError) as e:
            raise StoreError(f"{self.path}: cannot read the records ({e})") from None

    def close(self):
        """Waits for a write in progress and takes the lock for good: nothing is written after this."""
        self._lock.acquire()

    def _write(self):
        fd, tmp = tempfile.mkstemp(prefix=".patients-", suffix=".tmp", dir=self.dir)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as f:
                json.dump(self._data, f, ensure_ascii=False, indent=1)
                f.flush()
                os.fsync(f.fileno())
            os.replace(tmp, self.path)
        except BaseException:
            try:
                os.unlink(tmp)
            except OSError:
                pass
            raise

    def _find(self, pid):
        return next((p for p in self._data["patients"] if p["id"] == pid), None)

    def patients(self, query=""):
        """Patients whose ID, name or reading contains the query (all when it is empty)."""
        q = _fold(query or "")
        with self._lock:
            found = [p for p in self._data["patients"]
                     if not q or any(q in _fold(p[k]) for k in ("id", "name", "kana"))]
            return copy.deepcopy(found)

    def patient(self, pid):
        with self._lock:
            return copy.deepcopy(self._find(pid))

    def add_note(self, pid, author, text):
        """Appends a note; returns it, or None when there is no such patient."""
        with self._lock:
            p = self._find(pid)
            if p is None:
                return None
            note = {"time": datetime.datetime.now(JST).strftime("%Y-%m-%d %H:%M"),
                    "author": author, "text": text}
            p["notes"].append(note)
            try:
                self._write()
            except BaseException:
                p["notes"].pop()
                raise
            return dict(note)
