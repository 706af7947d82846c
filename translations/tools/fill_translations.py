#!/usr/bin/env python3
"""Fills translations/mistudio_{de,zh_CN}.ts from the table below after `update_translations`.

The table is the translators' source of truth for this project: lupdate extracts the strings,
this script writes the German and Simplified Chinese text for each, and reports any source
string that has no translation yet (exit code 1), so an untranslated string cannot slip in.
Numerus entries take a list: German [singular, plural], Chinese [one form].
"""
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

T = {
# --- errors -------------------------------------------------------------------------------
'Invalid input: %1': ('Ungültige Eingabe: %1', '输入无效：%1'),
'This model is no longer in the catalogue.': ('Dieses Modell ist nicht mehr im Katalog.', '此模型已不在目录中。'),
"Not possible in the model's current state (%1).": ('Im aktuellen Zustand des Modells nicht möglich (%1).', '在模型的当前状态下无法执行（%1）。'),
'Cancelled.': ('Abgebrochen.', '已取消。'),
'Could not read or write a file: %1': ('Eine Datei konnte nicht gelesen oder geschrieben werden: %1', '无法读取或写入文件：%1'),
'Permission denied: %1': ('Zugriff verweigert: %1', '权限被拒绝：%1'),
'The disk is full.': ('Der Datenträger ist voll.', '磁盘已满。'),
'Not enough disk space: %1 needed, %2 available.': ('Nicht genug Speicherplatz: %1 benötigt, %2 verfügbar.', '磁盘空间不足：需要 %1，可用 %2。'),
'Not enough disk space for this model.': ('Nicht genug Speicherplatz für dieses Modell.', '磁盘空间不足以容纳此模型。'),
'The catalogue database reported an error: %1': ('Die Katalogdatenbank meldete einen Fehler: %1', '目录数据库报告错误：%1'),
'This repository does not exist on the Hub (or it is private).': ('Dieses Repository gibt es auf dem Hub nicht (oder es ist privat).', 'Hub 上不存在此仓库（或它是私有的）。'),
'The repository %1 does not exist on the Hub (or it is private).': ('Das Repository %1 gibt es auf dem Hub nicht (oder es ist privat).', 'Hub 上不存在仓库 %1（或它是私有的）。'),
'This revision does not exist in the repository.': ('Diese Revision gibt es im Repository nicht.', '仓库中不存在此修订版本。'),
'The revision "%1" does not exist in the repository.': ('Die Revision „%1“ gibt es im Repository nicht.', '仓库中不存在修订版本“%1”。'),
'A file of this model does not exist at this revision.': ('Eine Datei dieses Modells gibt es in dieser Revision nicht.', '此模型的某个文件在该修订版本中不存在。'),
'This model is gated. Accept its conditions on its Hugging Face page, then enter an access token (huggingface.co/settings/tokens) with read access.':
    ('Dieses Modell ist zugangsbeschränkt. Akzeptieren Sie die Bedingungen auf seiner Hugging-Face-Seite und geben Sie dann ein Zugriffstoken (huggingface.co/settings/tokens) mit Leserechten ein.',
     '此模型受访问限制。请先在其 Hugging Face 页面上接受使用条件，然后输入具有读取权限的访问令牌（huggingface.co/settings/tokens）。'),
'Your account has not been granted access to this gated model yet. Request access on its Hugging Face page and try again once it is approved.':
    ('Ihr Konto hat noch keinen Zugriff auf dieses zugangsbeschränkte Modell. Beantragen Sie den Zugriff auf seiner Hugging-Face-Seite und versuchen Sie es nach der Freigabe erneut.',
     '您的账户尚未获得此受限模型的访问权限。请在其 Hugging Face 页面上申请访问，获批后再试。'),
'The Hugging Face token was rejected. Check it or create a new one.': ('Das Hugging-Face-Token wurde abgelehnt. Prüfen Sie es oder erstellen Sie ein neues.', 'Hugging Face 令牌被拒绝。请检查它或创建一个新令牌。'),
'This repository has been disabled on the Hub.': ('Dieses Repository wurde auf dem Hub deaktiviert.', '此仓库已在 Hub 上被禁用。'),
'The Hub is rate limiting requests. Try again in a moment.': ('Der Hub begrenzt gerade die Anfragen. Versuchen Sie es gleich noch einmal.', 'Hub 正在限制请求频率。请稍后再试。'),
'The Hub had a server error. Try again later.': ('Der Hub hatte einen Serverfehler. Versuchen Sie es später erneut.', 'Hub 发生服务器错误。请稍后再试。'),
'The Hub did not answer in time.': ('Der Hub hat nicht rechtzeitig geantwortet.', 'Hub 未能及时响应。'),
'Could not reach the Hub: %1': ('Der Hub ist nicht erreichbar: %1', '无法连接到 Hub：%1'),
'You are offline (or offline mode is on): the Hub cannot be reached.': ('Sie sind offline (oder der Offline-Modus ist aktiv): Der Hub ist nicht erreichbar.', '您处于离线状态（或已开启离线模式）：无法连接 Hub。'),
'The Hub sent a response that could not be understood.': ('Der Hub hat eine unverständliche Antwort gesendet.', 'Hub 返回了无法解析的响应。'),
'A downloaded file did not match its checksum.': ('Eine heruntergeladene Datei stimmt nicht mit ihrer Prüfsumme überein.', '某个已下载文件的校验和不匹配。'),
'A downloaded file has the wrong size.': ('Eine heruntergeladene Datei hat die falsche Größe.', '某个已下载文件的大小不正确。'),
'Quantization failed: %1': ('Quantisierung fehlgeschlagen: %1', '量化失败：%1'),
'No usable GPU for quantization.': ('Keine nutzbare GPU für die Quantisierung.', '没有可用于量化的 GPU。'),
'Out of memory.': ('Nicht genug Arbeitsspeicher.', '内存不足。'),
'The model catalogue could not be opened, so miStudio Models cannot start.\n\n%1\n\nCheck the data directory and database settings (or the --data-dir and --database-url options).':
    ('Der Modellkatalog konnte nicht geöffnet werden, daher kann miStudio Models nicht starten.\n\n%1\n\nPrüfen Sie das Datenverzeichnis und die Datenbankeinstellungen (oder die Optionen --data-dir und --database-url).',
     '无法打开模型目录，因此 miStudio Models 无法启动。\n\n%1\n\n请检查数据目录和数据库设置（或 --data-dir 与 --database-url 选项）。'),
# --- architecture ---------------------------------------------------------------------------
'Architecture of %1': ('Architektur von %1', '%1 的架构'),
'yes': ('ja', '是'),
'no': ('nein', '否'),
'Model type:': ('Modelltyp:', '模型类型：'),
'Family rules:': ('Familienregeln:', '系列规则：'),
'Detection:': ('Erkennung:', '识别方式：'),
'Total parameters:': ('Parameter insgesamt:', '参数总数：'),
'Hidden size:': ('Hidden Size:', '隐藏层维度：'),
'Intermediate size:': ('Intermediate Size:', '中间层维度：'),
'Layers:': ('Schichten:', '层数：'),
'Attention heads:': ('Attention-Heads:', '注意力头数：'),
'Key/value heads:': ('Key/Value-Heads:', '键/值头数：'),
'Vocabulary:': ('Vokabular:', '词表大小：'),
'Context length:': ('Kontextlänge:', '上下文长度：'),
'Dtype:': ('Datentyp:', '数据类型：'),
'Parallel residual:': ('Paralleles Residual:', '并行残差：'),
'Tied embeddings:': ('Gekoppelte Embeddings:', '共享嵌入：'),
'Layer container:': ('Schicht-Container:', '层容器：'),
'Warnings:': ('Warnungen:', '警告：'),
'Summary': ('Übersicht', '概要'),
'Name': ('Name', '名称'),
'Shape': ('Form', '形状'),
'Dtype': ('Datentyp', '数据类型'),
'Parameters': ('Parameter', '参数'),
'Layers': ('Schichten', '层'),
'Hook point': ('Hook-Punkt', '钩子点'),
'Layer': ('Schicht', '层'),
'Kind': ('Art', '类型'),
'Module path': ('Modulpfad', '模块路径'),
'TransformerLens name': ('TransformerLens-Name', 'TransformerLens 名称'),
'Width': ('Breite', '宽度'),
'Hook points (%1)': ('Hook-Punkte (%1)', '钩子点（%1）'),
'&Copy JSON': ('JSON &kopieren', '复制 JSON(&C)'),
'&Export JSON…': ('JSON &exportieren…', '导出 JSON(&E)…'),
'Export architecture': ('Architektur exportieren', '导出架构'),
'JSON files (*.json)': ('JSON-Dateien (*.json)', 'JSON 文件 (*.json)'),
'Top-level modules': ('Module der obersten Ebene', '顶层模块'),
'Block %1  (%2)': ('Block %1  (%2)', '块 %1（%2）'),
' (input)': (' (Eingabe)', '（输入）'),
' (output)': (' (Ausgabe)', '（输出）'),
# --- download form --------------------------------------------------------------------------
'namespace/name, e.g. google/gemma-2-2b': ('Namensraum/Name, z. B. google/gemma-2-2b', '命名空间/名称，例如 google/gemma-2-2b'),
'Branch, tag or commit; the download is pinned to one commit': ('Branch, Tag oder Commit; der Download wird auf einen Commit festgelegt', '分支、标签或提交；下载会固定到一个提交'),
'None (original precision)': ('Keine (Originalgenauigkeit)', '无（原始精度）'),
'4-bit NF4, double quant (bitsandbytes)': ('4 Bit NF4, doppelte Quantisierung (bitsandbytes)', '4 位 NF4，双重量化（bitsandbytes）'),
'8-bit (bitsandbytes)': ('8 Bit (bitsandbytes)', '8 位（bitsandbytes）'),
'Advanced': ('Erweitert', '高级'),
'NF4 (normal float)': ('NF4 (Normal Float)', 'NF4（正态浮点）'),
'FP4': ('FP4', 'FP4'),
'Double quantization': ('Doppelte Quantisierung', '双重量化'),
'4-bit type:': ('4-Bit-Typ:', '4 位类型：'),
'hf_… (only needed for gated or private models)': ('hf_… (nur für zugangsbeschränkte oder private Modelle nötig)', 'hf_…（仅受限或私有模型需要）'),
'Show the token': ('Token anzeigen', '显示令牌'),
'Hide the token': ('Token verbergen', '隐藏令牌'),
'Remember': ('Merken', '记住'),
'Keep the token in the system keychain (or a private file when there is none)': ('Token im Schlüsselbund des Systems speichern (oder in einer privaten Datei, wenn es keinen gibt)', '将令牌保存在系统钥匙串中（没有钥匙串时保存到私有文件）'),
'&Preview': ('&Vorschau', '预览(&P)'),
'&Download': ('&Herunterladen', '下载(&D)'),
'&Repo id:': ('&Repo-ID:', '仓库 ID(&R)：'),
'&Quantization:': ('&Quantisierung:', '量化(&Q)：'),
'Re&vision:': ('Re&vision:', '修订版本(&V)：'),
'&Token:': ('&Token:', '令牌(&T)：'),
'Open <a href="https://huggingface.co/%1">the model page</a> to request access, and create a token at <a href="https://huggingface.co/settings/tokens">huggingface.co/settings/tokens</a>.':
    ('Öffnen Sie <a href="https://huggingface.co/%1">die Modellseite</a>, um Zugriff zu beantragen, und erstellen Sie ein Token unter <a href="https://huggingface.co/settings/tokens">huggingface.co/settings/tokens</a>.',
     '打开<a href="https://huggingface.co/%1">模型页面</a>申请访问权限，并在 <a href="https://huggingface.co/settings/tokens">huggingface.co/settings/tokens</a> 创建令牌。'),
# --- main window ------------------------------------------------------------------------------
'miStudio Models': ('miStudio Models', 'miStudio Models'),
'Add a model from the Hugging Face Hub': ('Modell vom Hugging Face Hub hinzufügen', '从 Hugging Face Hub 添加模型'),
'Models': ('Modelle', '模型'),
'Downloading %1…': ('%1 wird heruntergeladen…', '正在下载 %1…'),
'The model service could not be started; see the terminal for details.': ('Der Modelldienst konnte nicht gestartet werden; Details stehen im Terminal.', '无法启动模型服务；详情请查看终端输出。'),
'Settings saved.': ('Einstellungen gespeichert.', '设置已保存。'),
'Exported to %1': ('Nach %1 exportiert', '已导出到 %1'),
'Export failed: %1': ('Export fehlgeschlagen: %1', '导出失败：%1'),
'&File': ('&Datei', '文件(&F)'),
'&Settings…': ('&Einstellungen…', '设置(&S)…'),
'&Quit': ('&Beenden', '退出(&Q)'),
'&Models': ('&Modelle', '模型(&M)'),
'&Help': ('&Hilfe', '帮助(&H)'),
'&About miStudio Models': ('&Über miStudio Models', '关于 miStudio Models(&A)'),
'About miStudio Models': ('Über miStudio Models', '关于 miStudio Models'),
'<h3>miStudio Models %1</h3><p>Preview, download and quantize Hugging Face models for interpretability work.</p><p>Data directory: %2</p>':
    ('<h3>miStudio Models %1</h3><p>Hugging-Face-Modelle für die Interpretierbarkeitsforschung ansehen, herunterladen und quantisieren.</p><p>Datenverzeichnis: %2</p>',
     '<h3>miStudio Models %1</h3><p>为可解释性研究预览、下载和量化 Hugging Face 模型。</p><p>数据目录：%2</p>'),
'Download finished': ('Download abgeschlossen', '下载完成'),
'Download failed': ('Download fehlgeschlagen', '下载失败'),
'Quantization finished': ('Quantisierung abgeschlossen', '量化完成'),
'Quantization failed': ('Quantisierung fehlgeschlagen', '量化失败'),
'%1 is ready.': ('%1 ist bereit.', '%1 已就绪。'),
'API server listening on http://%1:%2/api/v1': ('API-Server lauscht auf http://%1:%2/api/v1', 'API 服务器正在监听 http://%1:%2/api/v1'),
'The API server did not start: %1': ('Der API-Server ist nicht gestartet: %1', 'API 服务器未能启动：%1'),
# --- table ----------------------------------------------------------------------------------
'Pending': ('Wartend', '等待中'),
'Downloading': ('Wird heruntergeladen', '下载中'),
'Quantizing': ('Wird quantisiert', '量化中'),
'Ready': ('Bereit', '就绪'),
'Failed': ('Fehlgeschlagen', '失败'),
'4-bit (bnb)': ('4 Bit (bnb)', '4 位（bnb）'),
'8-bit (bnb)': ('8 Bit (bnb)', '8 位（bnb）'),
'None': ('Keine', '无'),
'Paused': ('Pausiert', '已暂停'),
'Failed: %1': ('Fehlgeschlagen: %1', '失败：%1'),
'%1 bytes': ('%1 Bytes', '%1 字节'),
'Repo id': ('Repo-ID', '仓库 ID'),
'Revision': ('Revision', '修订版本'),
'Quantization': ('Quantisierung', '量化'),
'Size on disk': ('Größe auf Datenträger', '磁盘占用'),
'Status': ('Status', '状态'),
'Updated': ('Aktualisiert', '更新时间'),
# --- models panel -------------------------------------------------------------------------------
'Filter by name or repo id (Ctrl+F)': ('Nach Name oder Repo-ID filtern (Strg+F)', '按名称或仓库 ID 筛选（Ctrl+F）'),
'Add a model…': ('Modell hinzufügen…', '添加模型…'),
'&Cancel': ('&Abbrechen', '取消(&C)'),
'Stop the download or quantization and discard its partial data': ('Download oder Quantisierung stoppen und die Teildaten verwerfen', '停止下载或量化并丢弃部分数据'),
'&Pause': ('&Pausieren', '暂停(&P)'),
'&Retry': ('&Wiederholen', '重试(&R)'),
'&Delete…': ('&Löschen…', '删除(&D)…'),
'Re-&quantize': ('Neu &quantisieren', '重新量化(&Q)'),
'4-bit NF4, double quant (default)': ('4 Bit NF4, doppelte Quantisierung (Standard)', '4 位 NF4，双重量化（默认）'),
'4-bit NF4': ('4 Bit NF4', '4 位 NF4'),
'4-bit FP4, double quant': ('4 Bit FP4, doppelte Quantisierung', '4 位 FP4，双重量化'),
'4-bit FP4': ('4 Bit FP4', '4 位 FP4'),
'8-bit (LLM.int8)': ('8 Bit (LLM.int8)', '8 位（LLM.int8）'),
'&Open folder': ('&Ordner öffnen', '打开文件夹(&O)'),
'Copy &path': ('&Pfad kopieren', '复制路径(&P)'),
'Copy repo &id': ('Repo-&ID kopieren', '复制仓库 ID(&I)'),
'View &architecture': ('&Architektur anzeigen', '查看架构(&A)'),
'Res&ume': ('&Fortsetzen', '继续(&U)'),
'<h2>No models yet</h2><p>Enter a Hugging Face repo id above (for example <i>google/gemma-2-2b</i> or <i>gpt2</i>), press <b>Preview</b> to see exactly what it contains, then <b>Download</b>.</p>':
    ('<h2>Noch keine Modelle</h2><p>Geben Sie oben eine Hugging-Face-Repo-ID ein (zum Beispiel <i>google/gemma-2-2b</i> oder <i>gpt2</i>), klicken Sie auf <b>Vorschau</b>, um genau zu sehen, was es enthält, und dann auf <b>Herunterladen</b>.</p>',
     '<h2>还没有模型</h2><p>在上方输入 Hugging Face 仓库 ID（例如 <i>google/gemma-2-2b</i> 或 <i>gpt2</i>），点击<b>预览</b>查看其确切内容，然后点击<b>下载</b>。</p>'),
'<h3>No model matches "%1"</h3><p>Clear the filter to see all %n model(s).</p>':
    (['<h3>Kein Modell passt zu „%1“</h3><p>Leeren Sie den Filter, um das eine Modell zu sehen.</p>',
      '<h3>Kein Modell passt zu „%1“</h3><p>Leeren Sie den Filter, um alle %n Modelle zu sehen.</p>'],
     ['<h3>没有与“%1”匹配的模型</h3><p>清除筛选即可查看全部 %n 个模型。</p>']),
'Delete models': ('Modelle löschen', '删除模型'),
'Delete %n model(s) and their files?': (['%n Modell und seine Dateien löschen?', '%n Modelle und ihre Dateien löschen?'], ['删除 %n 个模型及其文件？']),
'This frees %1 on disk. Running downloads are cancelled first.': ('Dadurch werden %1 auf dem Datenträger frei. Laufende Downloads werden zuerst abgebrochen.', '这将释放 %1 磁盘空间。正在进行的下载会先被取消。'),
'Delete': ('Löschen', '删除'),
'Deleted %1, freed %2.': ('%1 gelöscht, %2 freigegeben.', '已删除 %1，释放了 %2。'),
# --- preview ----------------------------------------------------------------------------------
'Preview of %1': ('Vorschau von %1', '%1 的预览'),
'Revision %1 at commit <tt>%2</tt>': ('Revision %1 bei Commit <tt>%2</tt>', '修订版本 %1，提交 <tt>%2</tt>'),
'<b>This model runs its own Python code</b> (trust_remote_code). miStudio downloads the code files but never runs them; review them before loading the model with transformers.':
    ('<b>Dieses Modell führt eigenen Python-Code aus</b> (trust_remote_code). miStudio lädt die Code-Dateien herunter, führt sie aber nie aus; prüfen Sie sie, bevor Sie das Modell mit transformers laden.',
     '<b>此模型会运行自带的 Python 代码</b>（trust_remote_code）。miStudio 会下载这些代码文件但从不运行它们；用 transformers 加载模型之前请先审查这些代码。'),
'<b>Gated model:</b> your token does not give access yet. Accept the conditions on the model page and enter a token with access.':
    ('<b>Zugangsbeschränktes Modell:</b> Ihr Token gewährt noch keinen Zugriff. Akzeptieren Sie die Bedingungen auf der Modellseite und geben Sie ein Token mit Zugriff ein.',
     '<b>受限模型：</b>您的令牌目前没有访问权限。请在模型页面接受使用条件，并输入有访问权限的令牌。'),
'This checkpoint has no safetensors headers: the parameter count is estimated from config.json and file sizes.':
    ('Dieser Checkpoint hat keine safetensors-Header: Die Parameterzahl ist aus config.json und den Dateigrößen geschätzt.',
     '此检查点没有 safetensors 头信息：参数数量是根据 config.json 和文件大小估算的。'),
'Model': ('Modell', '模型'),
'%1 (%2 exactly)': ('%1 (genau %2)', '%1（精确值 %2）'),
'Parameters:': ('Parameter:', '参数：'),
'Per dtype:': ('Je Datentyp:', '按数据类型：'),
'%1 (%2 key/value heads)': ('%1 (%2 Key/Value-Heads)', '%1（%2 个键/值头）'),
'License:': ('Lizenz:', '许可证：'),
'requires a token': ('erfordert ein Token', '需要令牌'),
'public': ('öffentlich', '公开'),
'gated (%1)': ('zugangsbeschränkt (%1)', '受限（%1）'),
', private': (', privat', '，私有'),
', your token has access': (', Ihr Token hat Zugriff', '，您的令牌有访问权限'),
', no access with this token': (', kein Zugriff mit diesem Token', '，此令牌无访问权限'),
'Access:': ('Zugriff:', '访问：'),
'Counted from:': ('Gezählt aus:', '计数来源：'),
"Hub's count:": ('Zählung des Hubs:', 'Hub 的计数：'),
'Matches the Hub:': ('Stimmt mit dem Hub überein:', '与 Hub 一致：'),
'Weight shards:': ('Gewichts-Shards:', '权重分片数：'),
'Sizes estimated:': ('Größen geschätzt:', '大小为估算：'),
'Token from:': ('Token aus:', '令牌来源：'),
'Header bytes fetched:': ('Geladene Header-Bytes:', '已获取的头部字节数：'),
'Data directory:': ('Datenverzeichnis:', '数据目录：'),
'File': ('Datei', '文件'),
'Size': ('Größe', '大小'),
'Files to download: %n file(s), %1': (['Herunterzuladen: %n Datei, %1', 'Herunterzuladen: %n Dateien, %1'], ['待下载：%n 个文件，%1']),
'Size on disk and memory per quantization': ('Größe auf Datenträger und Speicherbedarf je Quantisierung', '各量化方式的磁盘占用与内存'),
'Mode': ('Modus', '模式'),
'Memory to load': ('Speicher zum Laden', '加载所需内存'),
'Disk needed': ('Benötigter Speicherplatz', '所需磁盘空间'),
'None (original)': ('Keine (Original)', '无（原始）'),
'4-bit NF4 (bitsandbytes)': ('4 Bit NF4 (bitsandbytes)', '4 位 NF4（bitsandbytes）'),
'unknown': ('unbekannt', '未知'),
'Free space in the data directory: %1': ('Freier Speicher im Datenverzeichnis: %1', '数据目录可用空间：%1'),
'Free space in the data directory: unknown': ('Freier Speicher im Datenverzeichnis: unbekannt', '数据目录可用空间：未知'),
'Not enough disk space.': ('Nicht genug Speicherplatz.', '磁盘空间不足。'),
'This needs %1 but only %2 are free. Free some space or choose another data directory in Settings.':
    ('Benötigt werden %1, frei sind aber nur %2. Geben Sie Speicher frei oder wählen Sie in den Einstellungen ein anderes Datenverzeichnis.',
     '需要 %1，但只有 %2 可用。请释放一些空间，或在设置中选择其他数据目录。'),
# --- settings -----------------------------------------------------------------------------------
'Settings': ('Einstellungen', '设置'),
'Browse…': ('Durchsuchen…', '浏览…'),
'Data directory': ('Datenverzeichnis', '数据目录'),
'&Data directory:': ('&Datenverzeichnis:', '数据目录(&D)：'),
'SQLite file in the data directory': ('SQLite-Datei im Datenverzeichnis', '数据目录中的 SQLite 文件'),
'PostgreSQL:': ('PostgreSQL:', 'PostgreSQL：'),
'Catalogue:': ('Katalog:', '目录：'),
'System language': ('Systemsprache', '系统语言'),
'&Language:': ('&Sprache:', '语言(&L)：'),
'Changes to the data directory, catalogue and language take effect the next time miStudio Models starts.':
    ('Änderungen an Datenverzeichnis, Katalog und Sprache werden beim nächsten Start von miStudio Models wirksam.',
     '数据目录、目录数据库和语言的更改将在下次启动 miStudio Models 时生效。'),
'General': ('Allgemein', '常规'),
'Hub &endpoint (mirror):': ('Hub-&Endpunkt (Spiegel):', 'Hub 端点（镜像）(&E)：'),
'http://proxy:3128 (empty: from the environment)': ('http://proxy:3128 (leer: aus der Umgebung)', 'http://proxy:3128（留空：使用环境变量）'),
'&Proxy:': ('&Proxy:', '代理(&P)：'),
'hf_… (stored in the system keychain)': ('hf_… (im Schlüsselbund des Systems gespeichert)', 'hf_…（保存在系统钥匙串中）'),
'Hugging Face &token:': ('Hugging-Face-&Token:', 'Hugging Face 令牌(&T)：'),
'Max concurrent &downloads:': ('Max. gleichzeitige &Downloads:', '最大并发下载数(&D)：'),
'&Connections per file:': ('&Verbindungen pro Datei:', '每个文件的连接数(&C)：'),
'&Files in parallel:': ('&Dateien parallel:', '并行文件数(&F)：'),
'unlimited (e.g. 50M for 50 MB/s)': ('unbegrenzt (z. B. 50M für 50 MB/s)', '不限（例如 50M 表示 50 MB/s）'),
'&Bandwidth cap (bytes/s):': ('&Bandbreitenlimit (Bytes/s):', '带宽上限（字节/秒）(&B)：'),
'Hub && downloads': ('Hub && Downloads', 'Hub 与下载'),
'Run the API server inside the app (REST + WebSocket)': ('API-Server in der App ausführen (REST + WebSocket)', '在应用内运行 API 服务器（REST + WebSocket）'),
'&Address:': ('&Adresse:', '地址(&A)：'),
'P&ort:': ('P&ort:', '端口(&O)：'),
'generated when the server first starts': ('wird beim ersten Serverstart erzeugt', '服务器首次启动时生成'),
'API token:': ('API-Token:', 'API 令牌：'),
'comma-separated origins allowed for browsers': ('durch Kommas getrennte, für Browser erlaubte Origins', '允许浏览器访问的来源，用逗号分隔'),
'Allowed &origins:': ('Erlaubte &Origins:', '允许的来源(&O)：'),
'Listening on an address other than 127.0.0.1 requires the API token (Authorization: Bearer) on every request.':
    ('Lauscht der Server auf einer anderen Adresse als 127.0.0.1, braucht jede Anfrage das API-Token (Authorization: Bearer).',
     '在 127.0.0.1 以外的地址监听时，每个请求都必须携带 API 令牌（Authorization: Bearer）。'),
'Server': ('Server', '服务器'),
'The Hub endpoint must be an http(s) URL, e.g. https://huggingface.co': ('Der Hub-Endpunkt muss eine http(s)-URL sein, z. B. https://huggingface.co', 'Hub 端点必须是 http(s) URL，例如 https://huggingface.co'),
'The proxy is not a valid URL.': ('Der Proxy ist keine gültige URL.', '代理不是有效的 URL。'),
'The bandwidth cap must be a number of bytes per second, e.g. 50M.': ('Das Bandbreitenlimit muss eine Zahl von Bytes pro Sekunde sein, z. B. 50M.', '带宽上限必须是每秒字节数，例如 50M。'),
'The PostgreSQL URL must start with postgresql://': ('Die PostgreSQL-URL muss mit postgresql:// beginnen', 'PostgreSQL URL 必须以 postgresql:// 开头'),
# --- status delegate ------------------------------------------------------------------------
'%n s left': (['noch %n s', 'noch %n s'], ['剩余 %n 秒']),
'%n min left': (['noch %n min', 'noch %n min'], ['剩余 %n 分钟']),
'%1 h %2 min left': ('noch %1 h %2 min', '剩余 %1 小时 %2 分钟'),
'%1 / %2': ('%1 / %2', '%1 / %2'),
'%1/s': ('%1/s', '%1/秒'),
'%1%': ('%1 %', '%1%'),
'Quantizing · %1': ('Wird quantisiert · %1', '量化中 · %1'),
'Could not create %1': ('%1 konnte nicht erstellt werden', '无法创建 %1'),
}


def fill(path: Path, index: int) -> int:
    tree = ET.parse(path)
    missing = 0
    count = 0
    for ctx in tree.getroot().findall('context'):
        for msg in ctx.findall('message'):
            src = msg.find('source').text
            tr = msg.find('translation')
            count += 1
            if src not in T:
                print(f'{path.name}: no translation for {src!r}', file=sys.stderr)
                missing += 1
                continue
            value = T[src][index]
            for child in list(tr):
                tr.remove(child)
            tr.text = None
            tr.attrib.pop('type', None)
            if msg.get('numerus') == 'yes':
                forms = value if isinstance(value, list) else [value]
                for f in forms:
                    ET.SubElement(tr, 'numerusform').text = f
            else:
                tr.text = value
    ET.indent(tree, space='    ')
    with open(path, 'wb') as f:
        f.write(b'<?xml version="1.0" encoding="utf-8"?>\n<!DOCTYPE TS>\n')
        tree.write(f, encoding='utf-8', xml_declaration=False)
        f.write(b'\n')
    print(f'{path.name}: {count - missing}/{count} translated')
    return missing


if __name__ == '__main__':
    root = Path(__file__).resolve().parents[1]
    bad = fill(root / 'mistudio_de.ts', 0) + fill(root / 'mistudio_zh_CN.ts', 1)
    sys.exit(1 if bad else 0)
