"""HTML for the demo EHR: plain server-rendered pages, inline CSS, no JavaScript, no external files.

Every value that comes from the records or the request goes through esc() (html.escape, quotes
included). Links are root-relative, like the old app this imitates.
"""

import html
from urllib.parse import quote

from records import age

NOTE_MAX_BYTES = 4096

CSS = """
body{margin:0;font-family:"Meiryo","Hiragino Kaku Gothic ProN","Noto Sans CJK JP",sans-serif;
 font-size:14px;background:#eef1f4;color:#222}
header{background:#1f4e79;color:#fff;padding:6px 12px;display:flex;justify-content:space-between;
 align-items:center}
header a{color:#fff;text-decoration:none;font-weight:bold;font-size:17px}
header .user{background:#163a5c;padding:3px 10px;border:1px solid #5b84ad}
nav{background:#d6dde5;padding:4px 12px;border-bottom:1px solid #9aa8b6}
nav a{margin-right:14px;color:#1f4e79}
main{padding:10px 14px;max-width:1100px}
h1{font-size:18px;border-left:6px solid #1f4e79;padding-left:8px}
h2{font-size:15px;background:#d6dde5;padding:3px 8px;margin:18px 0 6px}
table{border-collapse:collapse;background:#fff;margin-bottom:6px}
th,td{border:1px solid #9aa8b6;padding:3px 8px;text-align:left;vertical-align:top}
th{background:#e4e9ef;font-weight:normal}
.num{text-align:right}
.H{color:#c00;font-weight:bold}.L{color:#00c;font-weight:bold}
.allergy{background:#fde2e2;border:1px solid #d88;padding:4px 8px;display:inline-block}
.error{background:#fde2e2;border:1px solid #c00;padding:6px 10px;color:#900}
.note{background:#fff;border:1px solid #9aa8b6;padding:6px 10px;margin-bottom:6px;white-space:pre-wrap}
.note .meta{color:#555;font-size:12px;white-space:normal}
textarea{width:100%;max-width:700px;height:6em;font:inherit}
footer{color:#667;font-size:12px;padding:14px}
"""


def esc(value):
    return html.escape(str(value), quote=True)


def layout(title, user, body):
    """A whole page. `user` is the name from Remote-User, or None."""
    shown = user if user else "不明"
    return f"""<!DOCTYPE html>
<html lang="ja">
<head>
<meta charset="utf-8">
<title>{esc(title)} - 電子カルテ デモ</title>
<style>{CSS}</style>
</head>
<body>
<header><a href="/">電子カルテ デモ</a><span class="user">ログイン中: {esc(shown)}</span></header>
<nav><a href="/">患者一覧</a><a href="/reports/export.csv">バイタルCSV出力</a><a href="/whoami">接続情報</a></nav>
<main>
{body}
</main>
<footer>Sekisho デモ用の架空の電子カルテです。患者・職員はすべて架空であり、実在の人物とは関係ありません。</footer>
</body>
</html>
"""


def patient_list(patients, query, user):
    rows = "\n".join(
        f'<tr><td><a href="/patients/{esc(quote(p["id"]))}">{esc(p["id"])}</a></td>'
        f'<td><a href="/patients/{esc(quote(p["id"]))}">{esc(p["name"])}</a><br>'
        f'<small>{esc(p["kana"])}</small></td><td>{esc(p["sex"])}</td>'
        f'<td class="num">{esc(age(p["born"]))}歳</td><td>{esc(p["ward"])}</td><td>{esc(p["room"])}</td>'
        f'<td>{esc(p["admitted"])}</td></tr>'
        for p in patients)
    if not patients:
        rows = '<tr><td colspan="7">該当する患者はいません。</td></tr>'
    found = f"<p>「{esc(query)}」の検索結果: {len(patients)}件</p>" if query else ""
    body = f"""<h1>入院患者一覧</h1>
<form method="get" action="/">
<label>氏名・ふりがな・患者ID: <input type="search" name="q" value="{esc(query)}" size="24"></label>
<button type="submit">検索</button> <a href="/">クリア</a>
</form>
{found}
<table>
<tr><th>患者ID</th><th>氏名</th><th>性別</th><th>年齢</th><th>病棟</th><th>病室</th><th>入院日</th></tr>
{rows}
</table>"""
    return layout("患者一覧", user, body)


def _table(headers, rows, empty):
    head = "".join(f"<th>{esc(h)}</th>" for h in headers)
    if not rows:
        return f"<p>{esc(empty)}</p>"
    body = "\n".join("<tr>" + "".join(cell for cell in row) + "</tr>" for row in rows)
    return f"<table>\n<tr>{head}</tr>\n{body}\n</table>"


def _td(value, cls=""):
    return f'<td class="{cls}">{esc(value)}</td>' if cls else f"<td>{esc(value)}</td>"


def patient_detail(p, user, draft="", error=None):
    pid = esc(p["id"])
    allergies = ("".join(f'<span class="allergy">{esc(a)}</span> ' for a in p["allergies"])
                 if p["allergies"] else "<p>なし (NKDA)</p>")
    meds = _table(["薬剤名", "用量", "用法"],
                  [[_td(m["drug"]), _td(m["dose"]), _td(m["usage"])] for m in p["medications"]],
                  "処方なし")
    vitals = _table(["測定日時", "体温 (℃)", "血圧 (mmHg)", "脈拍 (/分)", "SpO2 (%)"],
                    [[_td(v["time"]), _td(f'{v["temp"]:.1f}', "num"), _td(f'{v["sys"]}/{v["dia"]}', "num"),
                      _td(v["pulse"], "num"), _td(v["spo2"], "num")] for v in p["vitals"]],
                    "記録なし")
    labs = _table(["採取日", "検査項目", "結果", "単位", "基準値", "判定"],
                  [[_td(r["date"]), _td(r["test"]), _td(r["value"], "num " + r["flag"]), _td(r["unit"]),
                    _td(r["range"]), _td(r["flag"], r["flag"])] for r in p["labs"]],
                  "検査結果なし")
    notes = "\n".join(
        f'<div class="note"><div class="meta">{esc(n["time"])} 記載者: {esc(n["author"])}</div>'
        f'{esc(n["text"])}</div>'
        for n in reversed(p["notes"])) or "<p>記録なし</p>"
    problem = f'<p class="error">{esc(error)}</p>' if error else ""
    body = f"""<h1>{esc(p["name"])} <small>({esc(p["kana"])})</small></h1>
<table>
<tr><th>患者ID</th><td>{pid}</td><th>性別</th><td>{esc(p["sex"])}</td>
<th>生年月日</th><td>{esc(p["born"])} ({esc(age(p["born"]))}歳)</td></tr>
<tr><th>病棟</th><td>{esc(p["ward"])}</td><th>病室</th><td>{esc(p["room"])}</td>
<th>入院日</th><td>{esc(p["admitted"])}</td></tr>
</table>
<h2>アレルギー</h2>
{allergies}
<h2>処方</h2>
{meds}
<h2>バイタルサイン</h2>
{vitals}
<h2>検体検査結果</h2>
{labs}
<h2>画像 (PACS)</h2>
<p><a href="/patients/{pid}/images/chest.png"><img src="/patients/{pid}/images/chest.png" width="160" height="160"
 alt="胸部X線 正面"></a><br><a href="/patients/{pid}/images/chest.png" download>胸部X線 正面 (PNG) をダウンロード</a></p>
<h2>経過記録</h2>
{problem}
<form method="post" action="/patients/{pid}/notes">
<p><textarea name="text" maxlength="{NOTE_MAX_BYTES}" required>{esc(draft)}</textarea><br>
<button type="submit">記録を追加</button> <small>(記載者は ログイン中のユーザーになります。最大4KB)</small></p>
</form>
{notes}"""
    return layout(f'{p["name"]} ({p["id"]})', user, body)


def error_page(status, title, message, user):
    body = f"""<h1>{esc(status)} {esc(title)}</h1>
<p>{esc(message)}</p>
<p><a href="/">患者一覧へ戻る</a></p>"""
    return layout(title, user, body)
