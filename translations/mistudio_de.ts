<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="de">
    <context>
        <name>ErrorText</name>
        <message>
            <source>Invalid input: %1</source>
            <translation>Ungültige Eingabe: %1</translation>
        </message>
        <message>
            <source>This model is no longer in the catalogue.</source>
            <translation>Dieses Modell ist nicht mehr im Katalog.</translation>
        </message>
        <message>
            <source>Not possible in the model's current state (%1).</source>
            <translation>Im aktuellen Zustand des Modells nicht möglich (%1).</translation>
        </message>
        <message>
            <source>Cancelled.</source>
            <translation>Abgebrochen.</translation>
        </message>
        <message>
            <source>Could not read or write a file: %1</source>
            <translation>Eine Datei konnte nicht gelesen oder geschrieben werden: %1</translation>
        </message>
        <message>
            <source>Permission denied: %1</source>
            <translation>Zugriff verweigert: %1</translation>
        </message>
        <message>
            <source>The disk is full.</source>
            <translation>Der Datenträger ist voll.</translation>
        </message>
        <message>
            <source>Not enough disk space: %1 needed, %2 available.</source>
            <translation>Nicht genug Speicherplatz: %1 benötigt, %2 verfügbar.</translation>
        </message>
        <message>
            <source>Not enough disk space for this model.</source>
            <translation>Nicht genug Speicherplatz für dieses Modell.</translation>
        </message>
        <message>
            <source>The catalogue database reported an error: %1</source>
            <translation>Die Katalogdatenbank meldete einen Fehler: %1</translation>
        </message>
        <message>
            <source>This repository does not exist on the Hub (or it is private).</source>
            <translation>Dieses Repository gibt es auf dem Hub nicht (oder es ist privat).</translation>
        </message>
        <message>
            <source>The repository %1 does not exist on the Hub (or it is private).</source>
            <translation>Das Repository %1 gibt es auf dem Hub nicht (oder es ist privat).</translation>
        </message>
        <message>
            <source>This revision does not exist in the repository.</source>
            <translation>Diese Revision gibt es im Repository nicht.</translation>
        </message>
        <message>
            <source>The revision "%1" does not exist in the repository.</source>
            <translation>Die Revision „%1“ gibt es im Repository nicht.</translation>
        </message>
        <message>
            <source>A file of this model does not exist at this revision.</source>
            <translation>Eine Datei dieses Modells gibt es in dieser Revision nicht.</translation>
        </message>
        <message>
            <source>This model is gated. Accept its conditions on its Hugging Face page, then enter an access token (huggingface.co/settings/tokens) with read access.</source>
            <translation>Dieses Modell ist zugangsbeschränkt. Akzeptieren Sie die Bedingungen auf seiner Hugging-Face-Seite und geben Sie dann ein Zugriffstoken (huggingface.co/settings/tokens) mit Leserechten ein.</translation>
        </message>
        <message>
            <source>Your account has not been granted access to this gated model yet. Request access on its Hugging Face page and try again once it is approved.</source>
            <translation>Ihr Konto hat noch keinen Zugriff auf dieses zugangsbeschränkte Modell. Beantragen Sie den Zugriff auf seiner Hugging-Face-Seite und versuchen Sie es nach der Freigabe erneut.</translation>
        </message>
        <message>
            <source>The Hugging Face token was rejected. Check it or create a new one.</source>
            <translation>Das Hugging-Face-Token wurde abgelehnt. Prüfen Sie es oder erstellen Sie ein neues.</translation>
        </message>
        <message>
            <source>This repository has been disabled on the Hub.</source>
            <translation>Dieses Repository wurde auf dem Hub deaktiviert.</translation>
        </message>
        <message>
            <source>The Hub is rate limiting requests. Try again in a moment.</source>
            <translation>Der Hub begrenzt gerade die Anfragen. Versuchen Sie es gleich noch einmal.</translation>
        </message>
        <message>
            <source>The Hub had a server error. Try again later.</source>
            <translation>Der Hub hatte einen Serverfehler. Versuchen Sie es später erneut.</translation>
        </message>
        <message>
            <source>The Hub did not answer in time.</source>
            <translation>Der Hub hat nicht rechtzeitig geantwortet.</translation>
        </message>
        <message>
            <source>Could not reach the Hub: %1</source>
            <translation>Der Hub ist nicht erreichbar: %1</translation>
        </message>
        <message>
            <source>You are offline (or offline mode is on): the Hub cannot be reached.</source>
            <translation>Sie sind offline (oder der Offline-Modus ist aktiv): Der Hub ist nicht erreichbar.</translation>
        </message>
        <message>
            <source>The Hub sent a response that could not be understood.</source>
            <translation>Der Hub hat eine unverständliche Antwort gesendet.</translation>
        </message>
        <message>
            <source>A downloaded file did not match its checksum.</source>
            <translation>Eine heruntergeladene Datei stimmt nicht mit ihrer Prüfsumme überein.</translation>
        </message>
        <message>
            <source>A downloaded file has the wrong size.</source>
            <translation>Eine heruntergeladene Datei hat die falsche Größe.</translation>
        </message>
        <message>
            <source>Quantization failed: %1</source>
            <translation>Quantisierung fehlgeschlagen: %1</translation>
        </message>
        <message>
            <source>No usable GPU for quantization.</source>
            <translation>Keine nutzbare GPU für die Quantisierung.</translation>
        </message>
        <message>
            <source>Out of memory.</source>
            <translation>Nicht genug Arbeitsspeicher.</translation>
        </message>
        <message>
            <source>The model catalogue could not be opened, so miStudio Models cannot start.

%1

Check the data directory and database settings (or the --data-dir and --database-url options).</source>
            <translation>Der Modellkatalog konnte nicht geöffnet werden, daher kann miStudio Models nicht starten.

%1

Prüfen Sie das Datenverzeichnis und die Datenbankeinstellungen (oder die Optionen --data-dir und --database-url).</translation>
        </message>
    </context>
    <context>
        <name>mistudio::ui::ArchitectureDialog</name>
        <message>
            <source>Architecture of %1</source>
            <translation>Architektur von %1</translation>
        </message>
        <message>
            <source>yes</source>
            <translation>ja</translation>
        </message>
        <message>
            <source>no</source>
            <translation>nein</translation>
        </message>
        <message>
            <source>Model type:</source>
            <translation>Modelltyp:</translation>
        </message>
        <message>
            <source>Family rules:</source>
            <translation>Familienregeln:</translation>
        </message>
        <message>
            <source>Detection:</source>
            <translation>Erkennung:</translation>
        </message>
        <message>
            <source>Total parameters:</source>
            <translation>Parameter insgesamt:</translation>
        </message>
        <message>
            <source>Hidden size:</source>
            <translation>Hidden Size:</translation>
        </message>
        <message>
            <source>Intermediate size:</source>
            <translation>Intermediate Size:</translation>
        </message>
        <message>
            <source>Layers:</source>
            <translation>Schichten:</translation>
        </message>
        <message>
            <source>Attention heads:</source>
            <translation>Attention-Heads:</translation>
        </message>
        <message>
            <source>Key/value heads:</source>
            <translation>Key/Value-Heads:</translation>
        </message>
        <message>
            <source>Vocabulary:</source>
            <translation>Vokabular:</translation>
        </message>
        <message>
            <source>Context length:</source>
            <translation>Kontextlänge:</translation>
        </message>
        <message>
            <source>Dtype:</source>
            <translation>Datentyp:</translation>
        </message>
        <message>
            <source>Parallel residual:</source>
            <translation>Paralleles Residual:</translation>
        </message>
        <message>
            <source>Tied embeddings:</source>
            <translation>Gekoppelte Embeddings:</translation>
        </message>
        <message>
            <source>Layer container:</source>
            <translation>Schicht-Container:</translation>
        </message>
        <message>
            <source>Warnings:</source>
            <translation>Warnungen:</translation>
        </message>
        <message>
            <source>Summary</source>
            <translation>Übersicht</translation>
        </message>
        <message>
            <source>Name</source>
            <translation>Name</translation>
        </message>
        <message>
            <source>Shape</source>
            <translation>Form</translation>
        </message>
        <message>
            <source>Dtype</source>
            <translation>Datentyp</translation>
        </message>
        <message>
            <source>Parameters</source>
            <translation>Parameter</translation>
        </message>
        <message>
            <source>Layers</source>
            <translation>Schichten</translation>
        </message>
        <message>
            <source>Hook point</source>
            <translation>Hook-Punkt</translation>
        </message>
        <message>
            <source>Layer</source>
            <translation>Schicht</translation>
        </message>
        <message>
            <source>Kind</source>
            <translation>Art</translation>
        </message>
        <message>
            <source>Module path</source>
            <translation>Modulpfad</translation>
        </message>
        <message>
            <source>TransformerLens name</source>
            <translation>TransformerLens-Name</translation>
        </message>
        <message>
            <source>Width</source>
            <translation>Breite</translation>
        </message>
        <message>
            <source>Hook points (%1)</source>
            <translation>Hook-Punkte (%1)</translation>
        </message>
        <message>
            <source>&amp;Copy JSON</source>
            <translation>JSON &amp;kopieren</translation>
        </message>
        <message>
            <source>&amp;Export JSON…</source>
            <translation>JSON &amp;exportieren…</translation>
        </message>
        <message>
            <source>Export architecture</source>
            <translation>Architektur exportieren</translation>
        </message>
        <message>
            <source>JSON files (*.json)</source>
            <translation>JSON-Dateien (*.json)</translation>
        </message>
        <message>
            <source>Top-level modules</source>
            <translation>Module der obersten Ebene</translation>
        </message>
        <message>
            <source>Block %1  (%2)</source>
            <translation>Block %1  (%2)</translation>
        </message>
        <message>
            <source> (input)</source>
            <translation> (Eingabe)</translation>
        </message>
        <message>
            <source> (output)</source>
            <translation> (Ausgabe)</translation>
        </message>
    </context>
    <context>
        <name>mistudio::ui::DownloadForm</name>
        <message>
            <source>namespace/name, e.g. google/gemma-2-2b</source>
            <translation>Namensraum/Name, z. B. google/gemma-2-2b</translation>
        </message>
        <message>
            <source>Branch, tag or commit; the download is pinned to one commit</source>
            <translation>Branch, Tag oder Commit; der Download wird auf einen Commit festgelegt</translation>
        </message>
        <message>
            <source>None (original precision)</source>
            <translation>Keine (Originalgenauigkeit)</translation>
        </message>
        <message>
            <source>4-bit NF4, double quant (bitsandbytes)</source>
            <translation>4 Bit NF4, doppelte Quantisierung (bitsandbytes)</translation>
        </message>
        <message>
            <source>8-bit (bitsandbytes)</source>
            <translation>8 Bit (bitsandbytes)</translation>
        </message>
        <message>
            <source>Advanced</source>
            <translation>Erweitert</translation>
        </message>
        <message>
            <source>NF4 (normal float)</source>
            <translation>NF4 (Normal Float)</translation>
        </message>
        <message>
            <source>FP4</source>
            <translation>FP4</translation>
        </message>
        <message>
            <source>Double quantization</source>
            <translation>Doppelte Quantisierung</translation>
        </message>
        <message>
            <source>4-bit type:</source>
            <translation>4-Bit-Typ:</translation>
        </message>
        <message>
            <source>hf_… (only needed for gated or private models)</source>
            <translation>hf_… (nur für zugangsbeschränkte oder private Modelle nötig)</translation>
        </message>
        <message>
            <source>Show the token</source>
            <translation>Token anzeigen</translation>
        </message>
        <message>
            <source>Hide the token</source>
            <translation>Token verbergen</translation>
        </message>
        <message>
            <source>Remember</source>
            <translation>Merken</translation>
        </message>
        <message>
            <source>Keep the token in the system keychain (or a private file when there is none)</source>
            <translation>Token im Schlüsselbund des Systems speichern (oder in einer privaten Datei, wenn es keinen gibt)</translation>
        </message>
        <message>
            <source>&amp;Preview</source>
            <translation>&amp;Vorschau</translation>
        </message>
        <message>
            <source>&amp;Download</source>
            <translation>&amp;Herunterladen</translation>
        </message>
        <message>
            <source>&amp;Repo id:</source>
            <translation>&amp;Repo-ID:</translation>
        </message>
        <message>
            <source>&amp;Quantization:</source>
            <translation>&amp;Quantisierung:</translation>
        </message>
        <message>
            <source>Re&amp;vision:</source>
            <translation>Re&amp;vision:</translation>
        </message>
        <message>
            <source>&amp;Token:</source>
            <translation>&amp;Token:</translation>
        </message>
        <message>
            <source>Open &lt;a href="https://huggingface.co/%1"&gt;the model page&lt;/a&gt; to request access, and create a token at &lt;a href="https://huggingface.co/settings/tokens"&gt;huggingface.co/settings/tokens&lt;/a&gt;.</source>
            <translation>Öffnen Sie &lt;a href="https://huggingface.co/%1"&gt;die Modellseite&lt;/a&gt;, um Zugriff zu beantragen, und erstellen Sie ein Token unter &lt;a href="https://huggingface.co/settings/tokens"&gt;huggingface.co/settings/tokens&lt;/a&gt;.</translation>
        </message>
    </context>
    <context>
        <name>mistudio::ui::MainWindow</name>
        <message>
            <source>miStudio Models</source>
            <translation>miStudio Models</translation>
        </message>
        <message>
            <source>Add a model from the Hugging Face Hub</source>
            <translation>Modell vom Hugging Face Hub hinzufügen</translation>
        </message>
        <message>
            <source>Models</source>
            <translation>Modelle</translation>
        </message>
        <message>
            <source>Downloading %1…</source>
            <translation>%1 wird heruntergeladen…</translation>
        </message>
        <message>
            <source>The model service could not be started; see the terminal for details.</source>
            <translation>Der Modelldienst konnte nicht gestartet werden; Details stehen im Terminal.</translation>
        </message>
        <message>
            <source>Settings saved.</source>
            <translation>Einstellungen gespeichert.</translation>
        </message>
        <message>
            <source>Exported to %1</source>
            <translation>Nach %1 exportiert</translation>
        </message>
        <message>
            <source>Export failed: %1</source>
            <translation>Export fehlgeschlagen: %1</translation>
        </message>
        <message>
            <source>&amp;File</source>
            <translation>&amp;Datei</translation>
        </message>
        <message>
            <source>&amp;Settings…</source>
            <translation>&amp;Einstellungen…</translation>
        </message>
        <message>
            <source>&amp;Quit</source>
            <translation>&amp;Beenden</translation>
        </message>
        <message>
            <source>&amp;Models</source>
            <translation>&amp;Modelle</translation>
        </message>
        <message>
            <source>&amp;Help</source>
            <translation>&amp;Hilfe</translation>
        </message>
        <message>
            <source>&amp;About miStudio Models</source>
            <translation>&amp;Über miStudio Models</translation>
        </message>
        <message>
            <source>About miStudio Models</source>
            <translation>Über miStudio Models</translation>
        </message>
        <message>
            <source>&lt;h3&gt;miStudio Models %1&lt;/h3&gt;&lt;p&gt;Preview, download and quantize Hugging Face models for interpretability work.&lt;/p&gt;&lt;p&gt;Data directory: %2&lt;/p&gt;</source>
            <translation>&lt;h3&gt;miStudio Models %1&lt;/h3&gt;&lt;p&gt;Hugging-Face-Modelle für die Interpretierbarkeitsforschung ansehen, herunterladen und quantisieren.&lt;/p&gt;&lt;p&gt;Datenverzeichnis: %2&lt;/p&gt;</translation>
        </message>
        <message>
            <source>Download finished</source>
            <translation>Download abgeschlossen</translation>
        </message>
        <message>
            <source>Download failed</source>
            <translation>Download fehlgeschlagen</translation>
        </message>
        <message>
            <source>Quantization finished</source>
            <translation>Quantisierung abgeschlossen</translation>
        </message>
        <message>
            <source>Quantization failed</source>
            <translation>Quantisierung fehlgeschlagen</translation>
        </message>
        <message>
            <source>%1 is ready.</source>
            <translation>%1 ist bereit.</translation>
        </message>
        <message>
            <source>API server listening on http://%1:%2/api/v1</source>
            <translation>API-Server lauscht auf http://%1:%2/api/v1</translation>
        </message>
        <message>
            <source>The API server did not start: %1</source>
            <translation>Der API-Server ist nicht gestartet: %1</translation>
        </message>
    </context>
    <context>
        <name>mistudio::ui::ModelTableModel</name>
        <message>
            <source>Pending</source>
            <translation>Wartend</translation>
        </message>
        <message>
            <source>Downloading</source>
            <translation>Wird heruntergeladen</translation>
        </message>
        <message>
            <source>Quantizing</source>
            <translation>Wird quantisiert</translation>
        </message>
        <message>
            <source>Ready</source>
            <translation>Bereit</translation>
        </message>
        <message>
            <source>Failed</source>
            <translation>Fehlgeschlagen</translation>
        </message>
        <message>
            <source>4-bit (bnb)</source>
            <translation>4 Bit (bnb)</translation>
        </message>
        <message>
            <source>8-bit (bnb)</source>
            <translation>8 Bit (bnb)</translation>
        </message>
        <message>
            <source>None</source>
            <translation>Keine</translation>
        </message>
        <message>
            <source>Paused</source>
            <translation>Pausiert</translation>
        </message>
        <message>
            <source>Failed: %1</source>
            <translation>Fehlgeschlagen: %1</translation>
        </message>
        <message>
            <source>%1 bytes</source>
            <translation>%1 Bytes</translation>
        </message>
        <message>
            <source>Name</source>
            <translation>Name</translation>
        </message>
        <message>
            <source>Repo id</source>
            <translation>Repo-ID</translation>
        </message>
        <message>
            <source>Revision</source>
            <translation>Revision</translation>
        </message>
        <message>
            <source>Parameters</source>
            <translation>Parameter</translation>
        </message>
        <message>
            <source>Quantization</source>
            <translation>Quantisierung</translation>
        </message>
        <message>
            <source>Size on disk</source>
            <translation>Größe auf Datenträger</translation>
        </message>
        <message>
            <source>Status</source>
            <translation>Status</translation>
        </message>
        <message>
            <source>Updated</source>
            <translation>Aktualisiert</translation>
        </message>
    </context>
    <context>
        <name>mistudio::ui::ModelsPanel</name>
        <message>
            <source>Filter by name or repo id (Ctrl+F)</source>
            <translation>Nach Name oder Repo-ID filtern (Strg+F)</translation>
        </message>
        <message>
            <source>Add a model…</source>
            <translation>Modell hinzufügen…</translation>
        </message>
        <message>
            <source>&amp;Cancel</source>
            <translation>&amp;Abbrechen</translation>
        </message>
        <message>
            <source>Stop the download or quantization and discard its partial data</source>
            <translation>Download oder Quantisierung stoppen und die Teildaten verwerfen</translation>
        </message>
        <message>
            <source>&amp;Pause</source>
            <translation>&amp;Pausieren</translation>
        </message>
        <message>
            <source>&amp;Retry</source>
            <translation>&amp;Wiederholen</translation>
        </message>
        <message>
            <source>&amp;Delete…</source>
            <translation>&amp;Löschen…</translation>
        </message>
        <message>
            <source>Re-&amp;quantize</source>
            <translation>Neu &amp;quantisieren</translation>
        </message>
        <message>
            <source>&amp;Open folder</source>
            <translation>&amp;Ordner öffnen</translation>
        </message>
        <message>
            <source>Copy &amp;path</source>
            <translation>&amp;Pfad kopieren</translation>
        </message>
        <message>
            <source>Copy repo &amp;id</source>
            <translation>Repo-&amp;ID kopieren</translation>
        </message>
        <message>
            <source>View &amp;architecture</source>
            <translation>&amp;Architektur anzeigen</translation>
        </message>
        <message>
            <source>Res&amp;ume</source>
            <translation>&amp;Fortsetzen</translation>
        </message>
        <message>
            <source>&lt;h2&gt;No models yet&lt;/h2&gt;&lt;p&gt;Enter a Hugging Face repo id above (for example &lt;i&gt;google/gemma-2-2b&lt;/i&gt; or &lt;i&gt;gpt2&lt;/i&gt;), press &lt;b&gt;Preview&lt;/b&gt; to see exactly what it contains, then &lt;b&gt;Download&lt;/b&gt;.&lt;/p&gt;</source>
            <translation>&lt;h2&gt;Noch keine Modelle&lt;/h2&gt;&lt;p&gt;Geben Sie oben eine Hugging-Face-Repo-ID ein (zum Beispiel &lt;i&gt;google/gemma-2-2b&lt;/i&gt; oder &lt;i&gt;gpt2&lt;/i&gt;), klicken Sie auf &lt;b&gt;Vorschau&lt;/b&gt;, um genau zu sehen, was es enthält, und dann auf &lt;b&gt;Herunterladen&lt;/b&gt;.&lt;/p&gt;</translation>
        </message>
        <message numerus="yes">
            <source>&lt;h3&gt;No model matches "%1"&lt;/h3&gt;&lt;p&gt;Clear the filter to see all %n model(s).&lt;/p&gt;</source>
            <translation>
                <numerusform>&lt;h3&gt;Kein Modell passt zu „%1“&lt;/h3&gt;&lt;p&gt;Leeren Sie den Filter, um das eine Modell zu sehen.&lt;/p&gt;</numerusform>
                <numerusform>&lt;h3&gt;Kein Modell passt zu „%1“&lt;/h3&gt;&lt;p&gt;Leeren Sie den Filter, um alle %n Modelle zu sehen.&lt;/p&gt;</numerusform>
            </translation>
        </message>
        <message>
            <source>Delete models</source>
            <translation>Modelle löschen</translation>
        </message>
        <message numerus="yes">
            <source>Delete %n model(s) and their files?</source>
            <translation>
                <numerusform>%n Modell und seine Dateien löschen?</numerusform>
                <numerusform>%n Modelle und ihre Dateien löschen?</numerusform>
            </translation>
        </message>
        <message>
            <source>This frees %1 on disk. Running downloads are cancelled first.</source>
            <translation>Dadurch werden %1 auf dem Datenträger frei. Laufende Downloads werden zuerst abgebrochen.</translation>
        </message>
        <message>
            <source>Delete</source>
            <translation>Löschen</translation>
        </message>
        <message>
            <source>Deleted %1, freed %2.</source>
            <translation>%1 gelöscht, %2 freigegeben.</translation>
        </message>
        <message>
            <source>4-bit NF4, double quant (default)</source>
            <translation>4 Bit NF4, doppelte Quantisierung (Standard)</translation>
        </message>
        <message>
            <source>4-bit NF4</source>
            <translation>4 Bit NF4</translation>
        </message>
        <message>
            <source>4-bit FP4, double quant</source>
            <translation>4 Bit FP4, doppelte Quantisierung</translation>
        </message>
        <message>
            <source>4-bit FP4</source>
            <translation>4 Bit FP4</translation>
        </message>
        <message>
            <source>8-bit (LLM.int8)</source>
            <translation>8 Bit (LLM.int8)</translation>
        </message>
    </context>
    <context>
        <name>mistudio::ui::PreviewDialog</name>
        <message>
            <source>yes</source>
            <translation>ja</translation>
        </message>
        <message>
            <source>no</source>
            <translation>nein</translation>
        </message>
        <message>
            <source>Preview of %1</source>
            <translation>Vorschau von %1</translation>
        </message>
        <message>
            <source>Revision %1 at commit &lt;tt&gt;%2&lt;/tt&gt;</source>
            <translation>Revision %1 bei Commit &lt;tt&gt;%2&lt;/tt&gt;</translation>
        </message>
        <message>
            <source>&lt;b&gt;This model runs its own Python code&lt;/b&gt; (trust_remote_code). miStudio downloads the code files but never runs them; review them before loading the model with transformers.</source>
            <translation>&lt;b&gt;Dieses Modell führt eigenen Python-Code aus&lt;/b&gt; (trust_remote_code). miStudio lädt die Code-Dateien herunter, führt sie aber nie aus; prüfen Sie sie, bevor Sie das Modell mit transformers laden.</translation>
        </message>
        <message>
            <source>&lt;b&gt;Gated model:&lt;/b&gt; your token does not give access yet. Accept the conditions on the model page and enter a token with access.</source>
            <translation>&lt;b&gt;Zugangsbeschränktes Modell:&lt;/b&gt; Ihr Token gewährt noch keinen Zugriff. Akzeptieren Sie die Bedingungen auf der Modellseite und geben Sie ein Token mit Zugriff ein.</translation>
        </message>
        <message>
            <source>This checkpoint has no safetensors headers: the parameter count is estimated from config.json and file sizes.</source>
            <translation>Dieser Checkpoint hat keine safetensors-Header: Die Parameterzahl ist aus config.json und den Dateigrößen geschätzt.</translation>
        </message>
        <message>
            <source>Model</source>
            <translation>Modell</translation>
        </message>
        <message>
            <source>Model type:</source>
            <translation>Modelltyp:</translation>
        </message>
        <message>
            <source>%1 (%2 exactly)</source>
            <translation>%1 (genau %2)</translation>
        </message>
        <message>
            <source>Parameters:</source>
            <translation>Parameter:</translation>
        </message>
        <message>
            <source>Per dtype:</source>
            <translation>Je Datentyp:</translation>
        </message>
        <message>
            <source>Layers:</source>
            <translation>Schichten:</translation>
        </message>
        <message>
            <source>Hidden size:</source>
            <translation>Hidden Size:</translation>
        </message>
        <message>
            <source>Intermediate size:</source>
            <translation>Intermediate Size:</translation>
        </message>
        <message>
            <source>Attention heads:</source>
            <translation>Attention-Heads:</translation>
        </message>
        <message>
            <source>%1 (%2 key/value heads)</source>
            <translation>%1 (%2 Key/Value-Heads)</translation>
        </message>
        <message>
            <source>Vocabulary:</source>
            <translation>Vokabular:</translation>
        </message>
        <message>
            <source>Context length:</source>
            <translation>Kontextlänge:</translation>
        </message>
        <message>
            <source>Dtype:</source>
            <translation>Datentyp:</translation>
        </message>
        <message>
            <source>License:</source>
            <translation>Lizenz:</translation>
        </message>
        <message>
            <source>requires a token</source>
            <translation>erfordert ein Token</translation>
        </message>
        <message>
            <source>public</source>
            <translation>öffentlich</translation>
        </message>
        <message>
            <source>gated (%1)</source>
            <translation>zugangsbeschränkt (%1)</translation>
        </message>
        <message>
            <source>, private</source>
            <translation>, privat</translation>
        </message>
        <message>
            <source>, your token has access</source>
            <translation>, Ihr Token hat Zugriff</translation>
        </message>
        <message>
            <source>, no access with this token</source>
            <translation>, kein Zugriff mit diesem Token</translation>
        </message>
        <message>
            <source>Access:</source>
            <translation>Zugriff:</translation>
        </message>
        <message>
            <source>File</source>
            <translation>Datei</translation>
        </message>
        <message>
            <source>Size</source>
            <translation>Größe</translation>
        </message>
        <message>
            <source>%1 bytes</source>
            <translation>%1 Bytes</translation>
        </message>
        <message numerus="yes">
            <source>Files to download: %n file(s), %1</source>
            <translation>
                <numerusform>Herunterzuladen: %n Datei, %1</numerusform>
                <numerusform>Herunterzuladen: %n Dateien, %1</numerusform>
            </translation>
        </message>
        <message>
            <source>Size on disk and memory per quantization</source>
            <translation>Größe auf Datenträger und Speicherbedarf je Quantisierung</translation>
        </message>
        <message>
            <source>Mode</source>
            <translation>Modus</translation>
        </message>
        <message>
            <source>Size on disk</source>
            <translation>Größe auf Datenträger</translation>
        </message>
        <message>
            <source>Memory to load</source>
            <translation>Speicher zum Laden</translation>
        </message>
        <message>
            <source>Disk needed</source>
            <translation>Benötigter Speicherplatz</translation>
        </message>
        <message>
            <source>None (original)</source>
            <translation>Keine (Original)</translation>
        </message>
        <message>
            <source>4-bit NF4 (bitsandbytes)</source>
            <translation>4 Bit NF4 (bitsandbytes)</translation>
        </message>
        <message>
            <source>8-bit (bitsandbytes)</source>
            <translation>8 Bit (bitsandbytes)</translation>
        </message>
        <message>
            <source>unknown</source>
            <translation>unbekannt</translation>
        </message>
        <message>
            <source>Free space in the data directory: %1</source>
            <translation>Freier Speicher im Datenverzeichnis: %1</translation>
        </message>
        <message>
            <source>Free space in the data directory: unknown</source>
            <translation>Freier Speicher im Datenverzeichnis: unbekannt</translation>
        </message>
        <message>
            <source>&amp;Download</source>
            <translation>&amp;Herunterladen</translation>
        </message>
        <message>
            <source>Not enough disk space.</source>
            <translation>Nicht genug Speicherplatz.</translation>
        </message>
        <message>
            <source>This needs %1 but only %2 are free. Free some space or choose another data directory in Settings.</source>
            <translation>Benötigt werden %1, frei sind aber nur %2. Geben Sie Speicher frei oder wählen Sie in den Einstellungen ein anderes Datenverzeichnis.</translation>
        </message>
        <message>
            <source>Counted from:</source>
            <translation>Gezählt aus:</translation>
        </message>
        <message>
            <source>Hub's count:</source>
            <translation>Zählung des Hubs:</translation>
        </message>
        <message>
            <source>Matches the Hub:</source>
            <translation>Stimmt mit dem Hub überein:</translation>
        </message>
        <message>
            <source>Weight shards:</source>
            <translation>Gewichts-Shards:</translation>
        </message>
        <message>
            <source>Sizes estimated:</source>
            <translation>Größen geschätzt:</translation>
        </message>
        <message>
            <source>Token from:</source>
            <translation>Token aus:</translation>
        </message>
        <message>
            <source>Header bytes fetched:</source>
            <translation>Geladene Header-Bytes:</translation>
        </message>
        <message>
            <source>Data directory:</source>
            <translation>Datenverzeichnis:</translation>
        </message>
    </context>
    <context>
        <name>mistudio::ui::SettingsDialog</name>
        <message>
            <source>Settings</source>
            <translation>Einstellungen</translation>
        </message>
        <message>
            <source>Browse…</source>
            <translation>Durchsuchen…</translation>
        </message>
        <message>
            <source>Data directory</source>
            <translation>Datenverzeichnis</translation>
        </message>
        <message>
            <source>&amp;Data directory:</source>
            <translation>&amp;Datenverzeichnis:</translation>
        </message>
        <message>
            <source>SQLite file in the data directory</source>
            <translation>SQLite-Datei im Datenverzeichnis</translation>
        </message>
        <message>
            <source>PostgreSQL:</source>
            <translation>PostgreSQL:</translation>
        </message>
        <message>
            <source>Catalogue:</source>
            <translation>Katalog:</translation>
        </message>
        <message>
            <source>System language</source>
            <translation>Systemsprache</translation>
        </message>
        <message>
            <source>&amp;Language:</source>
            <translation>&amp;Sprache:</translation>
        </message>
        <message>
            <source>Changes to the data directory, catalogue and language take effect the next time miStudio Models starts.</source>
            <translation>Änderungen an Datenverzeichnis, Katalog und Sprache werden beim nächsten Start von miStudio Models wirksam.</translation>
        </message>
        <message>
            <source>General</source>
            <translation>Allgemein</translation>
        </message>
        <message>
            <source>Hub &amp;endpoint (mirror):</source>
            <translation>Hub-&amp;Endpunkt (Spiegel):</translation>
        </message>
        <message>
            <source>http://proxy:3128 (empty: from the environment)</source>
            <translation>http://proxy:3128 (leer: aus der Umgebung)</translation>
        </message>
        <message>
            <source>&amp;Proxy:</source>
            <translation>&amp;Proxy:</translation>
        </message>
        <message>
            <source>hf_… (stored in the system keychain)</source>
            <translation>hf_… (im Schlüsselbund des Systems gespeichert)</translation>
        </message>
        <message>
            <source>Show the token</source>
            <translation>Token anzeigen</translation>
        </message>
        <message>
            <source>Hugging Face &amp;token:</source>
            <translation>Hugging-Face-&amp;Token:</translation>
        </message>
        <message>
            <source>Max concurrent &amp;downloads:</source>
            <translation>Max. gleichzeitige &amp;Downloads:</translation>
        </message>
        <message>
            <source>&amp;Connections per file:</source>
            <translation>&amp;Verbindungen pro Datei:</translation>
        </message>
        <message>
            <source>&amp;Files in parallel:</source>
            <translation>&amp;Dateien parallel:</translation>
        </message>
        <message>
            <source>unlimited (e.g. 50M for 50 MB/s)</source>
            <translation>unbegrenzt (z. B. 50M für 50 MB/s)</translation>
        </message>
        <message>
            <source>&amp;Bandwidth cap (bytes/s):</source>
            <translation>&amp;Bandbreitenlimit (Bytes/s):</translation>
        </message>
        <message>
            <source>Hub &amp;&amp; downloads</source>
            <translation>Hub &amp;&amp; Downloads</translation>
        </message>
        <message>
            <source>Run the API server inside the app (REST + WebSocket)</source>
            <translation>API-Server in der App ausführen (REST + WebSocket)</translation>
        </message>
        <message>
            <source>&amp;Address:</source>
            <translation>&amp;Adresse:</translation>
        </message>
        <message>
            <source>P&amp;ort:</source>
            <translation>P&amp;ort:</translation>
        </message>
        <message>
            <source>generated when the server first starts</source>
            <translation>wird beim ersten Serverstart erzeugt</translation>
        </message>
        <message>
            <source>API token:</source>
            <translation>API-Token:</translation>
        </message>
        <message>
            <source>comma-separated origins allowed for browsers</source>
            <translation>durch Kommas getrennte, für Browser erlaubte Origins</translation>
        </message>
        <message>
            <source>Allowed &amp;origins:</source>
            <translation>Erlaubte &amp;Origins:</translation>
        </message>
        <message>
            <source>Listening on an address other than 127.0.0.1 requires the API token (Authorization: Bearer) on every request.</source>
            <translation>Lauscht der Server auf einer anderen Adresse als 127.0.0.1, braucht jede Anfrage das API-Token (Authorization: Bearer).</translation>
        </message>
        <message>
            <source>Server</source>
            <translation>Server</translation>
        </message>
        <message>
            <source>The Hub endpoint must be an http(s) URL, e.g. https://huggingface.co</source>
            <translation>Der Hub-Endpunkt muss eine http(s)-URL sein, z. B. https://huggingface.co</translation>
        </message>
        <message>
            <source>The proxy is not a valid URL.</source>
            <translation>Der Proxy ist keine gültige URL.</translation>
        </message>
        <message>
            <source>The bandwidth cap must be a number of bytes per second, e.g. 50M.</source>
            <translation>Das Bandbreitenlimit muss eine Zahl von Bytes pro Sekunde sein, z. B. 50M.</translation>
        </message>
        <message>
            <source>The PostgreSQL URL must start with postgresql://</source>
            <translation>Die PostgreSQL-URL muss mit postgresql:// beginnen</translation>
        </message>
    </context>
    <context>
        <name>mistudio::ui::StatusDelegate</name>
        <message numerus="yes">
            <source>%n s left</source>
            <translation>
                <numerusform>noch %n s</numerusform>
                <numerusform>noch %n s</numerusform>
            </translation>
        </message>
        <message numerus="yes">
            <source>%n min left</source>
            <translation>
                <numerusform>noch %n min</numerusform>
                <numerusform>noch %n min</numerusform>
            </translation>
        </message>
        <message>
            <source>%1 h %2 min left</source>
            <translation>noch %1 h %2 min</translation>
        </message>
        <message>
            <source>%1 / %2</source>
            <translation>%1 / %2</translation>
        </message>
        <message>
            <source>%1/s</source>
            <translation>%1/s</translation>
        </message>
        <message>
            <source>Quantizing</source>
            <translation>Wird quantisiert</translation>
        </message>
        <message>
            <source>%1%</source>
            <translation>%1 %</translation>
        </message>
        <message>
            <source>Quantizing · %1</source>
            <translation>Wird quantisiert · %1</translation>
        </message>
    </context>
    <context>
        <name>mistudio::ui::TokenStore</name>
        <message>
            <source>Could not create %1</source>
            <translation>%1 konnte nicht erstellt werden</translation>
        </message>
    </context>
</TS>
