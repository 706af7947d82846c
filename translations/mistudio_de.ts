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
        <message>
            <source>Enter a Hugging Face token with access in the form above (or in Settings), then press Retry.</source>
            <translation>Geben Sie oben im Formular (oder in den Einstellungen) ein Hugging-Face-Token mit Zugriff ein und klicken Sie dann auf „Wiederholen“.</translation>
        </message>
        <message>
            <source>Request access on the model's Hugging Face page; press Retry once it is approved.</source>
            <translation>Beantragen Sie den Zugriff auf der Hugging-Face-Seite des Modells; klicken Sie nach der Freigabe auf „Wiederholen“.</translation>
        </message>
        <message>
            <source>Free some disk space (or choose another data directory in Settings), then press Retry: the files already downloaded are kept.</source>
            <translation>Geben Sie Speicherplatz frei (oder wählen Sie in den Einstellungen ein anderes Datenverzeichnis) und klicken Sie dann auf „Wiederholen“: Bereits heruntergeladene Dateien bleiben erhalten.</translation>
        </message>
        <message>
            <source>Check the connection and press Retry: finished files are not fetched again.</source>
            <translation>Prüfen Sie die Verbindung und klicken Sie auf „Wiederholen“: Fertige Dateien werden nicht erneut geladen.</translation>
        </message>
        <message>
            <source>Turn offline mode off (HF_HUB_OFFLINE) or connect, then press Retry.</source>
            <translation>Schalten Sie den Offline-Modus (HF_HUB_OFFLINE) aus oder stellen Sie eine Verbindung her und klicken Sie dann auf „Wiederholen“.</translation>
        </message>
        <message>
            <source>Press Retry: the damaged file is fetched again and verified.</source>
            <translation>Klicken Sie auf „Wiederholen“: Die beschädigte Datei wird erneut geladen und geprüft.</translation>
        </message>
        <message>
            <source>Check the repo id and revision on the Hub; delete this entry if it is wrong.</source>
            <translation>Prüfen Sie Repo-ID und Revision auf dem Hub; löschen Sie diesen Eintrag, wenn er falsch ist.</translation>
        </message>
        <message>
            <source>The original files are intact: use Re-quantize to try another variant or the CPU.</source>
            <translation>Die Originaldateien sind unversehrt: Versuchen Sie mit „Neu quantisieren“ eine andere Variante oder die CPU.</translation>
        </message>
        <message>
            <source>Check that the data directory is writable, then press Retry.</source>
            <translation>Prüfen Sie, ob das Datenverzeichnis beschreibbar ist, und klicken Sie dann auf „Wiederholen“.</translation>
        </message>
        <message>
            <source>%1 is already in your models and ready. To get another quantized variant, select it and use Re-quantize.</source>
            <translation>%1 ist bereits in Ihren Modellen und fertig. Für eine andere quantisierte Variante wählen Sie es aus und nutzen „Neu quantisieren“.</translation>
        </message>
        <message>
            <source>%1 is already being downloaded.</source>
            <translation>%1 wird bereits heruntergeladen.</translation>
        </message>
    </context>
    <context>
        <name>Format</name>
        <message>
            <source>%1 %</source>
            <translation>%1 %</translation>
        </message>
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
        <message numerus="yes">
            <source>%n s ago</source>
            <translation>
                <numerusform>vor %n s</numerusform>
                <numerusform>vor %n s</numerusform>
            </translation>
        </message>
        <message numerus="yes">
            <source>%n min ago</source>
            <translation>
                <numerusform>vor %n min</numerusform>
                <numerusform>vor %n min</numerusform>
            </translation>
        </message>
        <message numerus="yes">
            <source>%n h ago</source>
            <translation>
                <numerusform>vor %n h</numerusform>
                <numerusform>vor %n h</numerusform>
            </translation>
        </message>
    </context>
    <context>
        <name>Questions</name>
        <message>
            <source>Cancel</source>
            <translation>Abbrechen</translation>
        </message>
        <message>
            <source>Cancel the job of %1?</source>
            <translation>Den Auftrag für %1 abbrechen?</translation>
        </message>
        <message>
            <source>Cancel these %1 jobs?</source>
            <translation>Diese %1 Aufträge abbrechen?</translation>
        </message>
        <message>
            <source>The partly written variant is deleted; the downloaded files stay.</source>
            <translation>Die teilweise geschriebene Variante wird gelöscht; die heruntergeladenen Dateien bleiben.</translation>
        </message>
        <message>
            <source>The %1 downloaded so far will be deleted. Pause keeps them for later.</source>
            <translation>Die bisher heruntergeladenen %1 werden gelöscht. „Pausieren“ behält sie für später.</translation>
        </message>
        <message>
            <source>Its partial data will be deleted. Pause keeps it for later.</source>
            <translation>Die Teildaten werden gelöscht. „Pausieren“ behält sie für später.</translation>
        </message>
        <message>
            <source>Cancel and delete</source>
            <translation>Abbrechen und löschen</translation>
        </message>
        <message>
            <source>Pause instead</source>
            <translation>Stattdessen pausieren</translation>
        </message>
        <message>
            <source>Keep going</source>
            <translation>Weiterlaufen lassen</translation>
        </message>
        <message>
            <source>Delete models</source>
            <translation>Modelle löschen</translation>
        </message>
        <message>
            <source>Delete %1 and its files?</source>
            <translation>%1 und seine Dateien löschen?</translation>
        </message>
        <message>
            <source>Delete these %1 models and their files?</source>
            <translation>Diese %1 Modelle und ihre Dateien löschen?</translation>
        </message>
        <message>
            <source>and %1 more</source>
            <translation>und %1 weitere</translation>
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
            <source>Quit miStudio Models</source>
            <translation>miStudio Models beenden</translation>
        </message>
        <message>
            <source>Quitting stops them now; they continue where they stopped the next time miStudio Models starts.</source>
            <translation>Beim Beenden werden sie jetzt angehalten; beim nächsten Start von miStudio Models laufen sie dort weiter, wo sie standen.</translation>
        </message>
        <message>
            <source>Quit</source>
            <translation>Beenden</translation>
        </message>
        <message>
            <source>Keep running in the tray</source>
            <translation>Im Infobereich weiterlaufen</translation>
        </message>
        <message>
            <source>Delete variant</source>
            <translation>Variante löschen</translation>
        </message>
        <message>
            <source>Delete the %1 variant of %2?</source>
            <translation>Die Variante %1 von %2 löschen?</translation>
        </message>
        <message>
            <source>This frees %1 on disk. The downloaded files and the other variants stay.</source>
            <translation>Das gibt %1 auf dem Datenträger frei. Die heruntergeladenen Dateien und die anderen Varianten bleiben.</translation>
        </message>
    </context>
    <context>
        <name>RowStateText</name>
        <message>
            <source>Not downloaded</source>
            <translation>Nicht heruntergeladen</translation>
        </message>
        <message>
            <source>Queued</source>
            <translation>Wartet</translation>
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
            <source>Stopping…</source>
            <translation>Wird angehalten …</translation>
        </message>
        <message>
            <source>Paused</source>
            <translation>Pausiert</translation>
        </message>
        <message>
            <source>Needs a token</source>
            <translation>Token nötig</translation>
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
            <source>All</source>
            <translation>Alle</translation>
        </message>
    </context>
    <context>
        <name>SettingsDialog</name>
        <message>
            <source>from the command line (%1)</source>
            <translation>aus der Befehlszeile (%1)</translation>
        </message>
        <message>
            <source>from the environment (%1)</source>
            <translation>aus der Umgebung (%1)</translation>
        </message>
        <message>
            <source>from the settings file (%1)</source>
            <translation>aus der Einstellungsdatei (%1)</translation>
        </message>
        <message>
            <source>built-in default</source>
            <translation>eingebauter Standardwert</translation>
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
        <message>
            <source>attention</source>
            <translation>Attention</translation>
        </message>
        <message>
            <source>MLP</source>
            <translation>MLP</translation>
        </message>
        <message>
            <source>normalization</source>
            <translation>Normalisierung</translation>
        </message>
        <message>
            <source>embedding</source>
            <translation>Embedding</translation>
        </message>
        <message>
            <source>output head</source>
            <translation>Ausgabekopf</translation>
        </message>
        <message>
            <source>other</source>
            <translation>sonstige</translation>
        </message>
        <message>
            <source>Close</source>
            <translation>Schließen</translation>
        </message>
        <message>
            <source>tensor</source>
            <translation>Tensor</translation>
        </message>
        <message>
            <source>block</source>
            <translation>Block</translation>
        </message>
    </context>
    <context>
        <name>mistudio::ui::DetailsPane</name>
        <message>
            <source>waiting</source>
            <translation>wartet</translation>
        </message>
        <message>
            <source>downloading</source>
            <translation>wird heruntergeladen</translation>
        </message>
        <message>
            <source>retrying</source>
            <translation>neuer Versuch</translation>
        </message>
        <message>
            <source>retrying (%1)</source>
            <translation>neuer Versuch (%1)</translation>
        </message>
        <message>
            <source>verifying checksum</source>
            <translation>Prüfsumme wird geprüft</translation>
        </message>
        <message>
            <source>verified</source>
            <translation>geprüft</translation>
        </message>
        <message>
            <source>failed</source>
            <translation>fehlgeschlagen</translation>
        </message>
        <message>
            <source>paused</source>
            <translation>pausiert</translation>
        </message>
        <message>
            <source>Select a model to see its details.</source>
            <translation>Wählen Sie ein Modell, um seine Details zu sehen.</translation>
        </message>
        <message>
            <source>Retry</source>
            <translation>Wiederholen</translation>
        </message>
        <message>
            <source>Repo id:</source>
            <translation>Repo-ID:</translation>
        </message>
        <message>
            <source>Revision:</source>
            <translation>Revision:</translation>
        </message>
        <message>
            <source>Commit:</source>
            <translation>Commit:</translation>
        </message>
        <message>
            <source>Parameters:</source>
            <translation>Parameter:</translation>
        </message>
        <message>
            <source>Quantization:</source>
            <translation>Quantisierung:</translation>
        </message>
        <message>
            <source>Size on disk:</source>
            <translation>Größe auf Datenträger:</translation>
        </message>
        <message>
            <source>Folder:</source>
            <translation>Ordner:</translation>
        </message>
        <message>
            <source>Added:</source>
            <translation>Hinzugefügt:</translation>
        </message>
        <message>
            <source>Updated:</source>
            <translation>Aktualisiert:</translation>
        </message>
        <message>
            <source>Open folder</source>
            <translation>Ordner öffnen</translation>
        </message>
        <message>
            <source>File</source>
            <translation>Datei</translation>
        </message>
        <message>
            <source>Progress</source>
            <translation>Fortschritt</translation>
        </message>
        <message>
            <source>State</source>
            <translation>Zustand</translation>
        </message>
        <message>
            <source>General</source>
            <translation>Allgemein</translation>
        </message>
        <message>
            <source>Files</source>
            <translation>Dateien</translation>
        </message>
        <message>
            <source>%1 (%2)</source>
            <translation>%1 (%2)</translation>
        </message>
        <message>
            <source>none (original precision)</source>
            <translation>keine (Originalgenauigkeit)</translation>
        </message>
        <message>
            <source>%1 of %2 files done.</source>
            <translation>%1 von %2 Dateien fertig.</translation>
        </message>
        <message>
            <source>Per-file progress shows here while a download runs.</source>
            <translation>Während eines Downloads steht hier der Fortschritt jeder Datei.</translation>
        </message>
        <message>
            <source>%1 of %2 (%3)</source>
            <translation>%1 von %2 (%3)</translation>
        </message>
        <message>
            <source>Newest variant:</source>
            <translation>Neueste Variante:</translation>
        </message>
        <message>
            <source>Variant</source>
            <translation>Variante</translation>
        </message>
        <message>
            <source>Size</source>
            <translation>Größe</translation>
        </message>
        <message>
            <source>Quantized on</source>
            <translation>Quantisiert am</translation>
        </message>
        <message>
            <source>Folder</source>
            <translation>Ordner</translation>
        </message>
        <message>
            <source>Delete variant…</source>
            <translation>Variante löschen …</translation>
        </message>
        <message>
            <source>Variants</source>
            <translation>Varianten</translation>
        </message>
        <message>
            <source>%1 (%2 downloaded, %3 of quantized variants)</source>
            <translation>%1 (%2 heruntergeladen, %3 quantisierte Varianten)</translation>
        </message>
        <message>
            <source>8-bit (LLM.int8)</source>
            <translation>8 Bit (LLM.int8)</translation>
        </message>
        <message>
            <source>4-bit %1, double quantization</source>
            <translation>4 Bit %1, doppelte Quantisierung</translation>
        </message>
        <message>
            <source>4-bit %1</source>
            <translation>4 Bit %1</translation>
        </message>
        <message>
            <source>%1 on %2</source>
            <translation>%1 auf %2</translation>
        </message>
        <message>
            <source>No quantized variant yet: Re-quantize writes one from the downloaded files.</source>
            <translation>Noch keine quantisierte Variante: „Neu quantisieren“ schreibt eine aus den heruntergeladenen Dateien.</translation>
        </message>
        <message>
            <source>%1 variants, %2 in all, each in its own folder.</source>
            <translation>%1 Varianten, zusammen %2, jede in einem eigenen Ordner.</translation>
        </message>
        <message>
            <source>Verification:</source>
            <translation>Prüfung:</translation>
        </message>
        <message>
            <source>Verify files</source>
            <translation>Dateien prüfen</translation>
        </message>
        <message>
            <source>Re-hash the model's files against the hashes recorded when they arrived</source>
            <translation>Die Dateien des Modells erneut hashen und mit den beim Eintreffen gespeicherten Hashes vergleichen</translation>
        </message>
        <message>
            <source>OK: every file matches</source>
            <translation>OK: Alle Dateien stimmen überein</translation>
        </message>
        <message>
            <source>OK: every file matches (%1)</source>
            <translation>OK: Alle Dateien stimmen überein (%1)</translation>
        </message>
        <message>
            <source>Never verified</source>
            <translation>Nie geprüft</translation>
        </message>
        <message>
            <source>%1 is missing</source>
            <translation>%1 fehlt</translation>
        </message>
        <message>
            <source>%1 has another size than recorded</source>
            <translation>%1 hat eine andere Größe als gespeichert</translation>
        </message>
        <message>
            <source>%1 cannot be read</source>
            <translation>%1 kann nicht gelesen werden</translation>
        </message>
        <message>
            <source>%1 changed on disk</source>
            <translation>%1 wurde auf dem Datenträger verändert</translation>
        </message>
        <message>
            <source>Failed</source>
            <translation>Fehlgeschlagen</translation>
        </message>
        <message>
            <source>Failed: %1</source>
            <translation>Fehlgeschlagen: %1</translation>
        </message>
        <message>
            <source>(%1 of %2 files)</source>
            <translation>(%1 von %2 Dateien)</translation>
        </message>
        <message>
            <source>on %1</source>
            <translation>am %1</translation>
        </message>
        <message>
            <source>Verifying…</source>
            <translation>Wird geprüft…</translation>
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
        <message>
            <source>no limit</source>
            <translation>kein Limit</translation>
        </message>
        <message>
            <source>A speed limit for this download only (bytes per second, e.g. 10M), besides the global cap in Settings</source>
            <translation>Ein Geschwindigkeitslimit nur für diesen Download (Bytes pro Sekunde, z. B. 10M), zusätzlich zum globalen Limit in den Einstellungen</translation>
        </message>
        <message>
            <source>&amp;Speed limit:</source>
            <translation>&amp;Geschwindigkeitslimit:</translation>
        </message>
        <message>
            <source>The speed limit must be a number of bytes per second, e.g. 10M.</source>
            <translation>Das Geschwindigkeitslimit muss eine Zahl von Bytes pro Sekunde sein, z. B. 10M.</translation>
        </message>
    </context>
    <context>
        <name>mistudio::ui::FilterBar</name>
        <message>
            <source>Filter by name or repo id (Ctrl+F)</source>
            <translation>Nach Name oder Repo-ID filtern (Strg+F)</translation>
        </message>
        <message>
            <source>Filter the models</source>
            <translation>Modelle filtern</translation>
        </message>
        <message>
            <source>Your models (%1)</source>
            <translation>Ihre Modelle (%1)</translation>
        </message>
        <message>
            <source>%1 (%2)</source>
            <translation>%1 (%2)</translation>
        </message>
    </context>
    <context>
        <name>mistudio::ui::HelpDialog</name>
        <message>
            <source>Close</source>
            <translation>Schließen</translation>
        </message>
        <message>
            <source>miStudio Models documentation</source>
            <translation>Dokumentation von miStudio Models</translation>
        </message>
        <message>
            <source>Keyboard shortcuts</source>
            <translation>Tastenkürzel</translation>
        </message>
        <message>
            <source> or </source>
            <translation> oder </translation>
        </message>
        <message>
            <source>View the architecture of the selected ready model</source>
            <translation>Architektur des ausgewählten fertigen Modells anzeigen</translation>
        </message>
        <message>
            <source>Enter</source>
            <translation>Eingabetaste</translation>
        </message>
        <message>
            <source>Move between the form, the filter bar and the table</source>
            <translation>Zwischen Formular, Filterleiste und Tabelle wechseln</translation>
        </message>
        <message>
            <source>Tab, Shift+Tab</source>
            <translation>Tab, Umschalt+Tab</translation>
        </message>
        <message>
            <source>In the search results: preview / download the result</source>
            <translation>In den Suchergebnissen: Ergebnis in der Vorschau zeigen / herunterladen</translation>
        </message>
        <message>
            <source>Enter / Ctrl+Enter</source>
            <translation>Eingabe / Strg+Eingabe</translation>
        </message>
        <message>
            <source>Action</source>
            <translation>Aktion</translation>
        </message>
        <message>
            <source>Keys</source>
            <translation>Tasten</translation>
        </message>
    </context>
    <context>
        <name>mistudio::ui::HfImportDialog</name>
        <message>
            <source>Import from Hugging Face cache</source>
            <translation>Aus dem Hugging-Face-Cache importieren</translation>
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
            <source>Size</source>
            <translation>Größe</translation>
        </message>
        <message>
            <source>Result</source>
            <translation>Ergebnis</translation>
        </message>
        <message>
            <source>&amp;Import</source>
            <translation>&amp;Importieren</translation>
        </message>
        <message>
            <source>&amp;Scan again</source>
            <translation>Erneut &amp;durchsuchen</translation>
        </message>
        <message>
            <source>Looking for snapshots in the Hugging Face cache…</source>
            <translation>Suche nach Snapshots im Hugging-Face-Cache…</translation>
        </message>
        <message>
            <source>The Hugging Face cache cannot be read: %1</source>
            <translation>Der Hugging-Face-Cache kann nicht gelesen werden: %1</translation>
        </message>
        <message>
            <source>%1 (%2)</source>
            <translation>%1 (%2)</translation>
        </message>
        <message>
            <source>%1 in 1 file</source>
            <translation>%1 in 1 Datei</translation>
        </message>
        <message>
            <source>%1 in %2 files</source>
            <translation>%1 in %2 Dateien</translation>
        </message>
        <message>
            <source>Incomplete: %1</source>
            <translation>Unvollständig: %1</translation>
        </message>
        <message>
            <source>Already in the catalogue</source>
            <translation>Bereits im Katalog</translation>
        </message>
        <message>
            <source>The Hugging Face cache in %1 holds no snapshots.</source>
            <translation>Der Hugging-Face-Cache in %1 enthält keine Snapshots.</translation>
        </message>
        <message>
            <source>Snapshots in %1 (%2 importable). Imported files are hard-linked where the file system allows and verified against their hashes.</source>
            <translation>Snapshots in %1 (%2 importierbar). Importierte Dateien werden, wo das Dateisystem es erlaubt, fest verlinkt und gegen ihre Hashes geprüft.</translation>
        </message>
        <message>
            <source>Waiting…</source>
            <translation>Wartet…</translation>
        </message>
        <message>
            <source>Importing…</source>
            <translation>Wird importiert…</translation>
        </message>
        <message>
            <source>Imported</source>
            <translation>Importiert</translation>
        </message>
        <message>
            <source>Failed: %1</source>
            <translation>Fehlgeschlagen: %1</translation>
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
        <message>
            <source>&amp;Add a model…</source>
            <translation>Modell &amp;hinzufügen …</translation>
        </message>
        <message>
            <source>Total download speed</source>
            <translation>Gesamte Download-Geschwindigkeit</translation>
        </message>
        <message>
            <source>Jobs running and waiting in the queue</source>
            <translation>Laufende und wartende Aufträge</translation>
        </message>
        <message>
            <source>Disk space the library uses</source>
            <translation>Speicherplatz der Bibliothek</translation>
        </message>
        <message>
            <source>↓ %1</source>
            <translation>↓ %1</translation>
        </message>
        <message>
            <source>%1 running, %2 queued</source>
            <translation>%1 aktiv, %2 wartend</translation>
        </message>
        <message>
            <source>%1 running</source>
            <translation>%1 aktiv</translation>
        </message>
        <message>
            <source>miStudio Models — %1, %2</source>
            <translation>miStudio Models – %1, %2</translation>
        </message>
        <message>
            <source>Library: %1</source>
            <translation>Bibliothek: %1</translation>
        </message>
        <message>
            <source>&amp;Hide window</source>
            <translation>Fenster &amp;ausblenden</translation>
        </message>
        <message>
            <source>&amp;Show window</source>
            <translation>Fenster &amp;anzeigen</translation>
        </message>
        <message>
            <source>Jobs running or queued: %1.</source>
            <translation>Laufende oder wartende Aufträge: %1.</translation>
        </message>
        <message>
            <source>&amp;Documentation</source>
            <translation>&amp;Dokumentation</translation>
        </message>
        <message>
            <source>&amp;Keyboard shortcuts</source>
            <translation>&amp;Tastenkürzel</translation>
        </message>
        <message>
            <source>Close</source>
            <translation>Schließen</translation>
        </message>
        <message>
            <source>%1: %2</source>
            <translation>%1: %2</translation>
        </message>
        <message>
            <source>%1 — %2</source>
            <translation>%1 – %2</translation>
        </message>
        <message>
            <source>Imported from the Hugging Face cache: %1.</source>
            <translation>Aus dem Hugging-Face-Cache importiert: %1.</translation>
        </message>
        <message>
            <source>Imported from the Hugging Face cache: %1, failed: %2.</source>
            <translation>Aus dem Hugging-Face-Cache importiert: %1, fehlgeschlagen: %2.</translation>
        </message>
        <message>
            <source>&amp;Import from Hugging Face cache…</source>
            <translation>Aus dem Hugging-Face-Cache &amp;importieren…</translation>
        </message>
        <message>
            <source>&amp;View</source>
            <translation>&amp;Ansicht</translation>
        </message>
        <message>
            <source>&amp;Workers…</source>
            <translation>&amp;Worker…</translation>
        </message>
    </context>
    <context>
        <name>mistudio::ui::ModelTableModel</name>
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
        <message>
            <source>%1 of %2</source>
            <translation>%1 von %2</translation>
        </message>
        <message>
            <source>file %1 of %2</source>
            <translation>Datei %1 von %2</translation>
        </message>
        <message>
            <source>Queued #%1</source>
            <translation>Wartet (#%1)</translation>
        </message>
        <message>
            <source>enter a Hugging Face token and resume</source>
            <translation>Hugging-Face-Token eingeben und fortsetzen</translation>
        </message>
        <message>
            <source>%1 parameters</source>
            <translation>%1 Parameter</translation>
        </message>
        <message>
            <source>%1 downloaded + %2 of quantized variants</source>
            <translation>%1 heruntergeladen + %2 quantisierte Varianten</translation>
        </message>
    </context>
    <context>
        <name>mistudio::ui::ModelsPanel</name>
        <message>
            <source>Add a model…</source>
            <translation>Modell hinzufügen…</translation>
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
        <message>
            <source>Deleted %1, freed %2.</source>
            <translation>%1 gelöscht, %2 freigegeben.</translation>
        </message>
        <message>
            <source>Down&amp;load</source>
            <translation>Herunter&amp;laden</translation>
        </message>
        <message>
            <source>Download this model (it has no download running or paused)</source>
            <translation>Dieses Modell herunterladen (es hat keinen laufenden oder pausierten Download)</translation>
        </message>
        <message>
            <source>&amp;Cancel…</source>
            <translation>&amp;Abbrechen …</translation>
        </message>
        <message>
            <source>Re-&amp;quantize…</source>
            <translation>Neu &amp;quantisieren …</translation>
        </message>
        <message>
            <source>Write another quantized variant from the downloaded files</source>
            <translation>Eine andere quantisierte Variante aus den heruntergeladenen Dateien schreiben</translation>
        </message>
        <message>
            <source>Move &amp;up in queue</source>
            <translation>In der Warteschlange nach &amp;oben</translation>
        </message>
        <message>
            <source>Move do&amp;wn in queue</source>
            <translation>In der Warteschlange nach &amp;unten</translation>
        </message>
        <message>
            <source>Pause a&amp;ll</source>
            <translation>A&amp;lle pausieren</translation>
        </message>
        <message>
            <source>Resume al&amp;l</source>
            <translation>Alle &amp;fortsetzen</translation>
        </message>
        <message>
            <source>Jobs paused: %1.</source>
            <translation>Pausierte Aufträge: %1.</translation>
        </message>
        <message>
            <source>Jobs resumed: %1.</source>
            <translation>Fortgesetzte Aufträge: %1.</translation>
        </message>
        <message>
            <source>&lt;h3&gt;No model matches "%1"&lt;/h3&gt;&lt;p&gt;Clear the filter to see all your models.&lt;/p&gt;</source>
            <translation>&lt;h3&gt;Kein Modell passt zu „%1“&lt;/h3&gt;&lt;p&gt;Leeren Sie den Filter, um alle Ihre Modelle zu sehen.&lt;/p&gt;</translation>
        </message>
        <message>
            <source>&lt;h3&gt;Nothing here&lt;/h3&gt;&lt;p&gt;No model is in "%1". Choose &lt;b&gt;All&lt;/b&gt; to see all your models.&lt;/p&gt;</source>
            <translation>&lt;h3&gt;Hier ist nichts&lt;/h3&gt;&lt;p&gt;Kein Modell ist in „%1“. Wählen Sie &lt;b&gt;Alle&lt;/b&gt;, um alle Ihre Modelle zu sehen.&lt;/p&gt;</translation>
        </message>
        <message>
            <source>Cancelled %1; its partial data was deleted.</source>
            <translation>%1 abgebrochen; die Teildaten wurden gelöscht.</translation>
        </message>
        <message>
            <source>Deleted a variant of %1, freed %2.</source>
            <translation>Eine Variante von %1 gelöscht, %2 freigegeben.</translation>
        </message>
        <message>
            <source>%1: every file matches its recorded hash.</source>
            <translation>%1: Alle Dateien stimmen mit ihrem gespeicherten Hash überein.</translation>
        </message>
        <message>
            <source>%1 failed verification: %2.</source>
            <translation>%1 hat die Prüfung nicht bestanden: %2.</translation>
        </message>
        <message>
            <source>&amp;Verify files</source>
            <translation>Dateien &amp;prüfen</translation>
        </message>
        <message>
            <source>Re-hash the model's files against the hashes recorded when they arrived</source>
            <translation>Die Dateien des Modells erneut hashen und mit den beim Eintreffen gespeicherten Hashes vergleichen</translation>
        </message>
    </context>
    <context>
        <name>mistudio::ui::PreviewDialog</name>
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
            <source>the form</source>
            <translation>dem Formular</translation>
        </message>
        <message>
            <source>the keychain</source>
            <translation>dem Schlüsselbund</translation>
        </message>
        <message>
            <source>the %1 environment variable</source>
            <translation>der Umgebungsvariable %1</translation>
        </message>
        <message>
            <source>the file %1</source>
            <translation>der Datei %1</translation>
        </message>
        <message>
            <source>Open on &amp;Hugging Face</source>
            <translation>Auf &amp;Hugging Face öffnen</translation>
        </message>
        <message>
            <source>No access yet.</source>
            <translation>Noch kein Zugriff.</translation>
        </message>
        <message>
            <source>Until then the Hub shows only part of this model: what it does not show is marked unknown, and Download is off.</source>
            <translation>Bis dahin zeigt der Hub nur einen Teil dieses Modells: Was er nicht zeigt, ist als unbekannt markiert, und „Herunterladen“ ist aus.</translation>
        </message>
        <message>
            <source>This checkpoint has no safetensors headers: the parameter count is estimated from file sizes.</source>
            <translation>Dieser Checkpoint hat keine safetensors-Header: Die Parameterzahl ist aus den Dateigrößen geschätzt.</translation>
        </message>
        <message>
            <source>The Hub's parameter count (%1) differs from the one in the weight files (%2); the weight files' count is shown.</source>
            <translation>Die Parameterzahl des Hubs (%1) weicht von der in den Gewichtsdateien (%2) ab; angezeigt wird die der Gewichtsdateien.</translation>
        </message>
        <message>
            <source>Overview</source>
            <translation>Übersicht</translation>
        </message>
        <message>
            <source>Files (%1)</source>
            <translation>Dateien (%1)</translation>
        </message>
        <message>
            <source>Loading the model card…</source>
            <translation>Modellkarte wird geladen …</translation>
        </message>
        <message>
            <source>Model card</source>
            <translation>Modellkarte</translation>
        </message>
        <message>
            <source>A token with access to this model is needed first.</source>
            <translation>Zuerst wird ein Token mit Zugriff auf dieses Modell benötigt.</translation>
        </message>
        <message>
            <source>Enter a &amp;token…</source>
            <translation>&amp;Token eingeben …</translation>
        </message>
        <message>
            <source>Close</source>
            <translation>Schließen</translation>
        </message>
        <message>
            <source>unknown without access</source>
            <translation>ohne Zugriff unbekannt</translation>
        </message>
        <message>
            <source>about %1 (estimated from file sizes)</source>
            <translation>etwa %1 (aus den Dateigrößen geschätzt)</translation>
        </message>
        <message>
            <source>%1: %2</source>
            <translation>%1: %2</translation>
        </message>
        <message>
            <source>%1 tokens</source>
            <translation>%1 Tokens</translation>
        </message>
        <message>
            <source>public: no token needed</source>
            <translation>öffentlich: kein Token nötig</translation>
        </message>
        <message>
            <source>private</source>
            <translation>privat</translation>
        </message>
        <message>
            <source>gated, approval by the authors</source>
            <translation>zugangsbeschränkt, Freigabe durch die Autoren</translation>
        </message>
        <message>
            <source>gated</source>
            <translation>zugangsbeschränkt</translation>
        </message>
        <message>
            <source>%1; access granted</source>
            <translation>%1; Zugriff gewährt</translation>
        </message>
        <message>
            <source>%1; the token from %2 has access</source>
            <translation>%1; das Token aus %2 hat Zugriff</translation>
        </message>
        <message>
            <source>%1; no token is set</source>
            <translation>%1; kein Token gesetzt</translation>
        </message>
        <message>
            <source>%1; the token from %2 has no access</source>
            <translation>%1; das Token aus %2 hat keinen Zugriff</translation>
        </message>
        <message>
            <source>the weight files' headers (exact)</source>
            <translation>den Headern der Gewichtsdateien (exakt)</translation>
        </message>
        <message>
            <source>the Hub's metadata</source>
            <translation>den Metadaten des Hubs</translation>
        </message>
        <message>
            <source>the file sizes (an estimate)</source>
            <translation>den Dateigrößen (eine Schätzung)</translation>
        </message>
        <message>
            <source>Weight files:</source>
            <translation>Gewichtsdateien:</translation>
        </message>
        <message>
            <source>Size and memory per quantization</source>
            <translation>Größe und Speicher je Quantisierung</translation>
        </message>
        <message>
            <source>Fits in memory</source>
            <translation>Passt in den Speicher</translation>
        </message>
        <message>
            <source>about %1</source>
            <translation>etwa %1</translation>
        </message>
        <message>
            <source>Free space in %1: %2</source>
            <translation>Freier Speicher in %1: %2</translation>
        </message>
        <message>
            <source>the data directory</source>
            <translation>dem Datenverzeichnis</translation>
        </message>
        <message>
            <source>A quantized variant is written beside the original files, so it needs the space of both.</source>
            <translation>Eine quantisierte Variante wird neben die Originaldateien geschrieben und braucht daher den Platz für beide.</translation>
        </message>
        <message>
            <source>Files to download: %1, %2 in total.</source>
            <translation>Herunterzuladende Dateien: %1, insgesamt %2.</translation>
        </message>
        <message>
            <source>Not downloaded (other weight formats or not needed): %1</source>
            <translation>Nicht heruntergeladen (andere Gewichtsformate oder nicht nötig): %1</translation>
        </message>
        <message>
            <source>The model card is not available.</source>
            <translation>Die Modellkarte ist nicht verfügbar.</translation>
        </message>
        <message>
            <source>This repository has no model card.</source>
            <translation>Dieses Repository hat keine Modellkarte.</translation>
        </message>
        <message>
            <source>The model card could not be loaded: %1</source>
            <translation>Die Modellkarte konnte nicht geladen werden: %1</translation>
        </message>
        <message>
            <source>GPU (%1)</source>
            <translation>GPU (%1)</translation>
        </message>
        <message>
            <source>RAM (%1)</source>
            <translation>RAM (%1)</translation>
        </message>
        <message>
            <source>Too large for the GPU's %1.</source>
            <translation>Zu groß für die %1 der GPU.</translation>
        </message>
        <message>
            <source>no: RAM is %1</source>
            <translation>nein: RAM hat %1</translation>
        </message>
    </context>
    <context>
        <name>mistudio::ui::RequantizeDialog</name>
        <message>
            <source>Re-quantize %1</source>
            <translation>%1 neu quantisieren</translation>
        </message>
        <message>
            <source>Choose the variant to write from the downloaded files. The original files stay as they are; nothing is downloaded again.</source>
            <translation>Wählen Sie die Variante, die aus den heruntergeladenen Dateien geschrieben wird. Die Originaldateien bleiben unverändert; nichts wird erneut heruntergeladen.</translation>
        </message>
        <message>
            <source>Variant</source>
            <translation>Variante</translation>
        </message>
        <message>
            <source>Estimated size</source>
            <translation>Geschätzte Größe</translation>
        </message>
        <message>
            <source>4-bit NF4, double quantization (recommended)</source>
            <translation>4 Bit NF4, doppelte Quantisierung (empfohlen)</translation>
        </message>
        <message>
            <source>4-bit NF4</source>
            <translation>4 Bit NF4</translation>
        </message>
        <message>
            <source>4-bit FP4, double quantization</source>
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
        <message>
            <source>estimating…</source>
            <translation>wird geschätzt …</translation>
        </message>
        <message>
            <source>Automatic (a GPU when there is one)</source>
            <translation>Automatisch (eine GPU, wenn vorhanden)</translation>
        </message>
        <message>
            <source>CPU</source>
            <translation>CPU</translation>
        </message>
        <message>
            <source>&amp;Device:</source>
            <translation>&amp;Gerät:</translation>
        </message>
        <message>
            <source>&amp;Quantize</source>
            <translation>&amp;Quantisieren</translation>
        </message>
        <message>
            <source>Cancel</source>
            <translation>Abbrechen</translation>
        </message>
        <message>
            <source>unknown</source>
            <translation>unbekannt</translation>
        </message>
        <message>
            <source>about %1</source>
            <translation>etwa %1</translation>
        </message>
        <message>
            <source>On disk now</source>
            <translation>Bereits vorhanden</translation>
        </message>
        <message>
            <source>no</source>
            <translation>nein</translation>
        </message>
        <message>
            <source>Each variant is written to a folder of its own beside the others. Quantizing a variant the model has already replaces only that one.</source>
            <translation>Jede Variante wird in einen eigenen Ordner neben die anderen geschrieben. Eine Variante, die das Modell schon hat, erneut zu quantisieren, ersetzt nur diese.</translation>
        </message>
    </context>
    <context>
        <name>mistudio::ui::SearchHitDelegate</name>
        <message>
            <source>Enter or click: preview · Ctrl+Enter: download</source>
            <translation>Eingabe oder Klick: Vorschau · Strg+Eingabe: herunterladen</translation>
        </message>
        <message>
            <source>↓ %1</source>
            <translation>↓ %1</translation>
        </message>
        <message>
            <source>♥ %1</source>
            <translation>♥ %1</translation>
        </message>
        <message>
            <source>gated (approval)</source>
            <translation>zugangsbeschränkt (Freigabe)</translation>
        </message>
        <message>
            <source>gated</source>
            <translation>zugangsbeschränkt</translation>
        </message>
        <message>
            <source>private</source>
            <translation>privat</translation>
        </message>
        <message>
            <source>updated %1</source>
            <translation>aktualisiert %1</translation>
        </message>
        <message>
            <source>Download</source>
            <translation>Herunterladen</translation>
        </message>
        <message>
            <source>Preview</source>
            <translation>Vorschau</translation>
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
        <message>
            <source>Closing the window keeps miStudio Models running in the system tray</source>
            <translation>Beim Schließen des Fensters läuft miStudio Models im Infobereich weiter</translation>
        </message>
        <message>
            <source>OK</source>
            <translation>OK</translation>
        </message>
        <message>
            <source>Cancel</source>
            <translation>Abbrechen</translation>
        </message>
        <message>
            <source>In use now: %1 — %2</source>
            <translation>Derzeit verwendet: %1 – %2</translation>
        </message>
        <message>
            <source>the SQLite file in the data directory</source>
            <translation>die SQLite-Datei im Datenverzeichnis</translation>
        </message>
        <message>
            <source>In use now: offline (HF_HUB_OFFLINE), the Hub is not contacted</source>
            <translation>Derzeit: offline (HF_HUB_OFFLINE), der Hub wird nicht kontaktiert</translation>
        </message>
        <message>
            <source>In use now: no token (public models only)</source>
            <translation>Derzeit: kein Token (nur öffentliche Modelle)</translation>
        </message>
        <message>
            <source>In use now: the token stored in the keychain</source>
            <translation>Derzeit: das im Schlüsselbund gespeicherte Token</translation>
        </message>
        <message>
            <source>In use now: the token from the environment (%1), which wins over the one stored here</source>
            <translation>Derzeit: das Token aus der Umgebung (%1), das Vorrang vor dem hier gespeicherten hat</translation>
        </message>
        <message>
            <source>In use now: the token file %1, which wins over the one stored here</source>
            <translation>Derzeit: die Token-Datei %1, die Vorrang vor dem hier gespeicherten hat</translation>
        </message>
    </context>
    <context>
        <name>mistudio::ui::StatusDelegate</name>
        <message>
            <source>%1 / %2</source>
            <translation>%1 / %2</translation>
        </message>
    </context>
    <context>
        <name>mistudio::ui::TokenStore</name>
        <message>
            <source>Could not create %1</source>
            <translation>%1 konnte nicht erstellt werden</translation>
        </message>
    </context>
    <context>
        <name>mistudio::ui::WorkersDialog</name>
        <message>
            <source>Workers</source>
            <translation>Worker</translation>
        </message>
        <message>
            <source>Processes sharing this catalogue. A queued job runs on any of them that offers its kind and device.</source>
            <translation>Prozesse, die diesen Katalog gemeinsam nutzen. Ein wartender Auftrag läuft auf jedem von ihnen, der seine Art und sein Gerät anbietet.</translation>
        </message>
        <message>
            <source>Host</source>
            <translation>Rechner</translation>
        </message>
        <message>
            <source>Role</source>
            <translation>Rolle</translation>
        </message>
        <message>
            <source>Job kinds</source>
            <translation>Auftragsarten</translation>
        </message>
        <message>
            <source>Devices</source>
            <translation>Geräte</translation>
        </message>
        <message>
            <source>PID</source>
            <translation>PID</translation>
        </message>
        <message>
            <source>Version</source>
            <translation>Version</translation>
        </message>
        <message>
            <source>Last heartbeat</source>
            <translation>Letztes Lebenszeichen</translation>
        </message>
        <message>
            <source>&amp;Refresh</source>
            <translation>&amp;Aktualisieren</translation>
        </message>
        <message>
            <source>Desktop app</source>
            <translation>Desktop-App</translation>
        </message>
        <message>
            <source>Server</source>
            <translation>Server</translation>
        </message>
        <message>
            <source>Command line</source>
            <translation>Befehlszeile</translation>
        </message>
        <message>
            <source>Worker</source>
            <translation>Worker</translation>
        </message>
        <message>
            <source>Could not list the workers: %1</source>
            <translation>Die Worker konnten nicht aufgelistet werden: %1</translation>
        </message>
        <message>
            <source>No process has registered as a worker of this catalogue.</source>
            <translation>Kein Prozess hat sich als Worker dieses Katalogs angemeldet.</translation>
        </message>
        <message>
            <source>none (front end only)</source>
            <translation>keine (nur Oberfläche)</translation>
        </message>
        <message>
            <source>%1 (this app)</source>
            <translation>%1 (diese App)</translation>
        </message>
    </context>
    <context>
        <name>mistudio::ui::WorkersIndicator</name>
        <message>
            <source>1 worker</source>
            <translation>1 Worker</translation>
        </message>
        <message>
            <source>%1 workers</source>
            <translation>%1 Worker</translation>
        </message>
        <message>
            <source>Processes sharing this catalogue, on %1. Click for details.</source>
            <translation>Prozesse, die diesen Katalog gemeinsam nutzen, auf %1. Klicken für Details.</translation>
        </message>
    </context>
</TS>
