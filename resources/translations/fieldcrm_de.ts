<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="de" sourcelanguage="en">
<context>
    <name></name>
    <message>
        <source>“%1” is set by your organisation and cannot be changed.</source>
        <extracomment>name -&gt; (type, default). Lists and dicts are stored as JSON.</extracomment>
        <translation>„%1“ wird von Ihrer Organisation festgelegt und kann nicht geändert werden.</translation>
    </message>
</context>
<context>
    <name>AccountChoices</name>
    <message>
        <source>Customer</source>
        <translation>Kunde</translation>
    </message>
    <message>
        <source>Prospect</source>
        <translation>Interessent</translation>
    </message>
    <message>
        <source>Partner</source>
        <translation>Partner</translation>
    </message>
</context>
<context>
    <name>AccountMapView</name>
    <message>
        <source>Account map</source>
        <translation>Kundenkarte</translation>
    </message>
    <message>
        <source>Set my &amp;home base here</source>
        <translation>&amp;Heimatstandort hier festlegen</translation>
    </message>
</context>
<context>
    <name>AccountView</name>
    <message>
        <source>Edit</source>
        <translation>Bearbeiten</translation>
    </message>
    <message>
        <source>Log call</source>
        <translation>Anruf erfassen</translation>
    </message>
    <message>
        <source>Log visit</source>
        <translation>Besuch erfassen</translation>
    </message>
    <message>
        <source>Add note</source>
        <translation>Notiz hinzufügen</translation>
    </message>
    <message>
        <source>&lt;b&gt;From the ERP&lt;/b&gt; (read-only)</source>
        <translation>&lt;b&gt;Aus dem ERP&lt;/b&gt; (schreibgeschützt)</translation>
    </message>
    <message>
        <source>Credit limit</source>
        <translation>Kreditlimit</translation>
    </message>
    <message>
        <source>Receivable</source>
        <translation>Offene Forderungen</translation>
    </message>
    <message>
        <source>Blocked</source>
        <translation>Gesperrt</translation>
    </message>
    <message>
        <source>ERP number</source>
        <translation>ERP-Nummer</translation>
    </message>
    <message>
        <source>Contacts</source>
        <translation>Kontakte</translation>
    </message>
    <message>
        <source>Timeline</source>
        <translation>Verlauf</translation>
    </message>
    <message>
        <source>Open opportunities</source>
        <translation>Offene Verkaufschancen</translation>
    </message>
    <message>
        <source>Orders</source>
        <translation>Aufträge</translation>
    </message>
    <message>
        <source>Service jobs</source>
        <translation>Serviceeinsätze</translation>
    </message>
    <message>
        <source>Visits</source>
        <translation>Besuche</translation>
    </message>
    <message>
        <source>Files</source>
        <translation>Dateien</translation>
    </message>
    <message>
        <source>&lt;h2&gt;Loading…&lt;/h2&gt;</source>
        <translation>&lt;h2&gt;Wird geladen…&lt;/h2&gt;</translation>
    </message>
    <message>
        <source>No</source>
        <translation>Nein</translation>
    </message>
    <message>
        <source>not in the ERP yet</source>
        <translation>noch nicht im ERP</translation>
    </message>
</context>
<context>
    <name>Actions</name>
    <message>
        <source>&amp;New…</source>
        <translation>&amp;Neu…</translation>
    </message>
    <message>
        <source>Create a record of the kind on screen</source>
        <translation>Einen Datensatz der angezeigten Art anlegen</translation>
    </message>
    <message>
        <source>&amp;Search…</source>
        <translation>&amp;Suchen…</translation>
    </message>
    <message>
        <source>Search every record</source>
        <translation>Alle Datensätze durchsuchen</translation>
    </message>
    <message>
        <source>&amp;Undo</source>
        <translation>&amp;Rückgängig</translation>
    </message>
    <message>
        <source>Undo the last edit</source>
        <translation>Die letzte Änderung rückgängig machen</translation>
    </message>
    <message>
        <source>&amp;Back</source>
        <translation>&amp;Zurück</translation>
    </message>
    <message>
        <source>Back to the previous page</source>
        <translation>Zurück zur vorigen Seite</translation>
    </message>
    <message>
        <source>Log a &amp;call…</source>
        <translation>&amp;Anruf erfassen…</translation>
    </message>
    <message>
        <source>Log a phone call</source>
        <translation>Einen Telefonanruf erfassen</translation>
    </message>
    <message>
        <source>Log a &amp;visit…</source>
        <translation>&amp;Besuch erfassen…</translation>
    </message>
    <message>
        <source>Log a visit</source>
        <translation>Einen Besuch erfassen</translation>
    </message>
    <message>
        <source>Add a &amp;note…</source>
        <translation>N&amp;otiz hinzufügen…</translation>
    </message>
    <message>
        <source>Add a note</source>
        <translation>Eine Notiz hinzufügen</translation>
    </message>
    <message>
        <source>S&amp;ync now</source>
        <translation>&amp;Jetzt synchronisieren</translation>
    </message>
    <message>
        <source>Send your changes and fetch the latest</source>
        <translation>Ihre Änderungen senden und den neuesten Stand holen</translation>
    </message>
    <message>
        <source>Sync &amp;center</source>
        <translation>Synchronisations&amp;zentrale</translation>
    </message>
    <message>
        <source>Pending changes, rejections and conflicts</source>
        <translation>Ausstehende Änderungen, Ablehnungen und Konflikte</translation>
    </message>
    <message>
        <source>Sign &amp;in…</source>
        <translation>&amp;Anmelden…</translation>
    </message>
    <message>
        <source>Sign in to the server</source>
        <translation>Am Server anmelden</translation>
    </message>
    <message>
        <source>&amp;Preferences…</source>
        <translation>&amp;Einstellungen…</translation>
    </message>
    <message>
        <source>Language, when to sync, your working day</source>
        <translation>Sprache, wann synchronisiert wird, Ihr Arbeitstag</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>&amp;Beenden</translation>
    </message>
    <message>
        <source>Close fieldcrm</source>
        <translation>fieldcrm schließen</translation>
    </message>
</context>
<context>
    <name>ActivityChoices</name>
    <message>
        <source>Call</source>
        <translation>Anruf</translation>
    </message>
    <message>
        <source>Meeting</source>
        <translation>Termin</translation>
    </message>
    <message>
        <source>Email</source>
        <translation>E-Mail</translation>
    </message>
    <message>
        <source>Task</source>
        <translation>Aufgabe</translation>
    </message>
    <message>
        <source>Note</source>
        <translation>Notiz</translation>
    </message>
</context>
<context>
    <name>App</name>
    <message>
        <source>Opening your data…</source>
        <extracomment>Loaded on the replica thread with the replica, so the first page builds without importing them on the GUI thread.</extracomment>
        <translation>Ihre Daten werden geöffnet…</translation>
    </message>
    <message>
        <source>fieldcrm</source>
        <translation>fieldcrm</translation>
    </message>
    <message>
        <source>Your data in %1 could not be opened:
%2</source>
        <translation>Ihre Daten in %1 konnten nicht geöffnet werden:
%2</translation>
    </message>
</context>
<context>
    <name>AppStatusBar</name>
    <message>
        <source>%n change to send</source>
        <translation>%n Änderung zu senden</translation>
    </message>
    <message>
        <source>%n changes to send</source>
        <translation>%n Änderungen zu senden</translation>
    </message>
    <message>
        <source>%n to review</source>
        <translation>%n zu prüfen</translation>
    </message>
    <message>
        <source>never</source>
        <extracomment>Re-read the counts at least this often (a sync in another process).</extracomment>
        <translation>nie</translation>
    </message>
    <message>
        <source>Last sync: %1</source>
        <translation>Letzte Synchronisation: %1</translation>
    </message>
    <message>
        <source>● Online</source>
        <translation>● Online</translation>
    </message>
    <message>
        <source>○ Offline</source>
        <translation>○ Offline</translation>
    </message>
    <message>
        <source>⟳ Syncing…</source>
        <translation>⟳ Synchronisiert…</translation>
    </message>
    <message>
        <source>○ Checking sign-in…</source>
        <translation>○ Anmeldung wird geprüft…</translation>
    </message>
    <message>
        <source>○ Not signed in — &lt;a href=&apos;sign-in&apos;&gt;Sign in&lt;/a&gt;</source>
        <translation>○ Nicht angemeldet — &lt;a href=&apos;sign-in&apos;&gt;Anmelden&lt;/a&gt;</translation>
    </message>
    <message>
        <source>⚠ &lt;a href=&apos;sign-in&apos;&gt;Sign in again&lt;/a&gt;</source>
        <translation>⚠ &lt;a href=&apos;sign-in&apos;&gt;Erneut anmelden&lt;/a&gt;</translation>
    </message>
</context>
<context>
    <name>AttachmentsPanel</name>
    <message>
        <source>File</source>
        <translation>Datei</translation>
    </message>
    <message>
        <source>Size</source>
        <translation>Größe</translation>
    </message>
    <message>
        <source>Where</source>
        <translation>Wo</translation>
    </message>
    <message>
        <source>&amp;Attach file…</source>
        <translation>Datei &amp;anhängen…</translation>
    </message>
    <message>
        <source>&amp;Open</source>
        <translation>Ö&amp;ffnen</translation>
    </message>
    <message>
        <source>&amp;Remove</source>
        <translation>&amp;Entfernen</translation>
    </message>
    <message>
        <source>Customer &amp;signature…</source>
        <translation>&amp;Unterschrift des Kunden…</translation>
    </message>
    <message>
        <source>Files</source>
        <translation>Dateien</translation>
    </message>
    <message>
        <source>on this laptop</source>
        <translation>auf diesem Laptop</translation>
    </message>
    <message>
        <source>on the server</source>
        <translation>auf dem Server</translation>
    </message>
    <message>
        <source>%1 (the customer&apos;s signature)</source>
        <translation>%1 (Unterschrift des Kunden)</translation>
    </message>
    <message>
        <source>Signed; the signature is sent with the next sync.</source>
        <translation>Unterschrieben; die Unterschrift wird mit der nächsten Synchronisierung gesendet.</translation>
    </message>
    <message>
        <source>Remove file</source>
        <translation>Datei entfernen</translation>
    </message>
    <message>
        <source>Remove %1 from this record? Everyone who sees the record loses it after the next sync.</source>
        <translation>%1 von diesem Datensatz entfernen? Alle, die den Datensatz sehen, verlieren die Datei nach der nächsten Synchronisierung.</translation>
    </message>
    <message>
        <source>%1 is removed.</source>
        <translation>%1 ist entfernt.</translation>
    </message>
</context>
<context>
    <name>Choices</name>
    <message>
        <source>Yes</source>
        <translation>Ja</translation>
    </message>
</context>
<context>
    <name>CloseDealDialog</name>
    <message>
        <source>Deal won</source>
        <translation>Abschluss gewonnen</translation>
    </message>
    <message>
        <source>Deal lost</source>
        <translation>Abschluss verloren</translation>
    </message>
    <message>
        <source>What made the customer decide for us?</source>
        <translation>Warum hat sich der Kunde für uns entschieden?</translation>
    </message>
    <message>
        <source>Price, timing, a competitor…</source>
        <translation>Preis, Zeitpunkt, ein Mitbewerber…</translation>
    </message>
    <message>
        <source>&amp;Reason:</source>
        <translation>&amp;Grund:</translation>
    </message>
    <message>
        <source>&amp;Closed on:</source>
        <translation>&amp;Abgeschlossen am:</translation>
    </message>
</context>
<context>
    <name>ConvertLeadDialog</name>
    <message>
        <source>Convert lead</source>
        <translation>Lead umwandeln</translation>
    </message>
    <message>
        <source>%1 becomes an account, with %2 as its contact.</source>
        <translation>%1 wird ein Kunde, mit %2 als Kontakt.</translation>
    </message>
    <message>
        <source>%1 becomes an account.</source>
        <translation>%1 wird ein Kunde.</translation>
    </message>
    <message>
        <source>Also open a &amp;deal</source>
        <translation>Auch eine Verkaufs&amp;chance anlegen</translation>
    </message>
    <message>
        <source>e.g. 12500.00</source>
        <translation>z. B. 12500.00</translation>
    </message>
    <message>
        <source>&amp;Convert</source>
        <translation>&amp;Umwandeln</translation>
    </message>
    <message>
        <source>Deal &amp;name:</source>
        <translation>&amp;Name der Chance:</translation>
    </message>
    <message>
        <source>&amp;Amount:</source>
        <translation>&amp;Betrag:</translation>
    </message>
    <message>
        <source>Give the deal a name, or untick “Also open a deal”.</source>
        <translation>Geben Sie der Verkaufschance einen Namen oder nehmen Sie den Haken bei „Auch eine Verkaufschance anlegen“ heraus.</translation>
    </message>
    <message>
        <source>Converting…</source>
        <translation>Wird umgewandelt…</translation>
    </message>
    <message>
        <source>Converting lead…</source>
        <translation>Lead wird umgewandelt…</translation>
    </message>
    <message>
        <source>Not converted: %1</source>
        <translation>Nicht umgewandelt: %1</translation>
    </message>
</context>
<context>
    <name>EditHistory</name>
    <message>
        <source>Saving…</source>
        <extracomment>(entity, id) of rows the edit made besides (a won deal&apos;s note): removed on undo</extracomment>
        <translation>Wird gespeichert…</translation>
    </message>
    <message>
        <source>Undoing…</source>
        <translation>Wird rückgängig gemacht…</translation>
    </message>
    <message>
        <source>Undo new %1</source>
        <translation>Neu angelegt rückgängig: %1</translation>
    </message>
    <message>
        <source>Undo move of %1</source>
        <translation>Verschieben rückgängig: %1</translation>
    </message>
    <message>
        <source>Undo edit of %1</source>
        <translation>Änderung rückgängig: %1</translation>
    </message>
</context>
<context>
    <name>Entities</name>
    <message>
        <source>Account</source>
        <extracomment>The choice field offered as a quick filter in the list, if any.</extracomment>
        <translation>Kunde</translation>
    </message>
    <message>
        <source>Owner</source>
        <translation>Zuständig</translation>
    </message>
    <message>
        <source>Accounts</source>
        <translation>Kunden</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>Name</translation>
    </message>
    <message>
        <source>Type</source>
        <translation>Art</translation>
    </message>
    <message>
        <source>City</source>
        <translation>Ort</translation>
    </message>
    <message>
        <source>Industry</source>
        <translation>Branche</translation>
    </message>
    <message>
        <source>Phone</source>
        <translation>Telefon</translation>
    </message>
    <message>
        <source>Credit limit</source>
        <translation>Kreditlimit</translation>
    </message>
    <message>
        <source>Blocked</source>
        <translation>Gesperrt</translation>
    </message>
    <message>
        <source>account</source>
        <translation>Kunde</translation>
    </message>
    <message>
        <source>accounts</source>
        <translation>Kunden</translation>
    </message>
    <message>
        <source>Contact</source>
        <translation>Kontakt</translation>
    </message>
    <message>
        <source>Contacts</source>
        <translation>Kontakte</translation>
    </message>
    <message>
        <source>Last name</source>
        <translation>Nachname</translation>
    </message>
    <message>
        <source>First name</source>
        <translation>Vorname</translation>
    </message>
    <message>
        <source>Title</source>
        <translation>Titel</translation>
    </message>
    <message>
        <source>Email</source>
        <translation>E-Mail</translation>
    </message>
    <message>
        <source>contact</source>
        <translation>Kontakt</translation>
    </message>
    <message>
        <source>contacts</source>
        <translation>Kontakte</translation>
    </message>
    <message>
        <source>Visit</source>
        <translation>Besuch</translation>
    </message>
    <message>
        <source>Visits</source>
        <translation>Besuche</translation>
    </message>
    <message>
        <source>Planned</source>
        <translation>Geplant</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>Status</translation>
    </message>
    <message>
        <source>Objective</source>
        <translation>Ziel</translation>
    </message>
    <message>
        <source>visit</source>
        <translation>Besuch</translation>
    </message>
    <message>
        <source>visits</source>
        <translation>Besuche</translation>
    </message>
    <message>
        <source>Activity</source>
        <translation>Aktivität</translation>
    </message>
    <message>
        <source>Activities</source>
        <translation>Aktivitäten</translation>
    </message>
    <message>
        <source>Due</source>
        <translation>Fällig</translation>
    </message>
    <message>
        <source>Kind</source>
        <translation>Art</translation>
    </message>
    <message>
        <source>Subject</source>
        <translation>Betreff</translation>
    </message>
    <message>
        <source>Done</source>
        <translation>Erledigt</translation>
    </message>
    <message>
        <source>activity</source>
        <translation>Aktivität</translation>
    </message>
    <message>
        <source>activities</source>
        <translation>Aktivitäten</translation>
    </message>
    <message>
        <source>Lead</source>
        <translation>Lead</translation>
    </message>
    <message>
        <source>Leads</source>
        <translation>Leads</translation>
    </message>
    <message>
        <source>Company</source>
        <translation>Firma</translation>
    </message>
    <message>
        <source>Contact person</source>
        <translation>Ansprechpartner</translation>
    </message>
    <message>
        <source>Source</source>
        <translation>Quelle</translation>
    </message>
    <message>
        <source>lead</source>
        <translation>Lead</translation>
    </message>
    <message>
        <source>leads</source>
        <translation>Leads</translation>
    </message>
    <message>
        <source>Opportunity</source>
        <translation>Verkaufschance</translation>
    </message>
    <message>
        <source>Opportunities</source>
        <translation>Verkaufschancen</translation>
    </message>
    <message>
        <source>Stage</source>
        <translation>Phase</translation>
    </message>
    <message>
        <source>Amount</source>
        <translation>Betrag</translation>
    </message>
    <message>
        <source>%</source>
        <translation>%</translation>
    </message>
    <message>
        <source>Expected close</source>
        <translation>Erwarteter Abschluss</translation>
    </message>
    <message>
        <source>opportunity</source>
        <translation>Verkaufschance</translation>
    </message>
    <message>
        <source>opportunities</source>
        <translation>Verkaufschancen</translation>
    </message>
    <message>
        <source>Order</source>
        <translation>Auftrag</translation>
    </message>
    <message>
        <source>Orders</source>
        <translation>Aufträge</translation>
    </message>
    <message>
        <source>Date</source>
        <translation>Datum</translation>
    </message>
    <message>
        <source>ERP number</source>
        <translation>ERP-Nummer</translation>
    </message>
    <message>
        <source>ERP status</source>
        <translation>ERP-Status</translation>
    </message>
    <message>
        <source>Total</source>
        <translation>Summe</translation>
    </message>
    <message>
        <source>order</source>
        <translation>Auftrag</translation>
    </message>
    <message>
        <source>orders</source>
        <translation>Aufträge</translation>
    </message>
    <message>
        <source>Service job</source>
        <translation>Serviceeinsatz</translation>
    </message>
    <message>
        <source>Service jobs</source>
        <translation>Serviceeinsätze</translation>
    </message>
    <message>
        <source>Scheduled</source>
        <translation>Geplant</translation>
    </message>
    <message>
        <source>Priority</source>
        <translation>Priorität</translation>
    </message>
    <message>
        <source>Technician</source>
        <translation>Techniker</translation>
    </message>
    <message>
        <source>service job</source>
        <translation>Serviceeinsatz</translation>
    </message>
    <message>
        <source>service jobs</source>
        <translation>Serviceeinsätze</translation>
    </message>
</context>
<context>
    <name>Fields</name>
    <message>
        <source>Account</source>
        <translation>Kunde</translation>
    </message>
    <message>
        <source>Amount</source>
        <translation>Betrag</translation>
    </message>
    <message>
        <source>Checked in at</source>
        <translation>Eingecheckt um</translation>
    </message>
    <message>
        <source>Checked out at</source>
        <translation>Ausgecheckt um</translation>
    </message>
    <message>
        <source>City</source>
        <translation>Ort</translation>
    </message>
    <message>
        <source>Company</source>
        <translation>Firma</translation>
    </message>
    <message>
        <source>Contact person</source>
        <translation>Ansprechpartner</translation>
    </message>
    <message>
        <source>Contact</source>
        <translation>Kontakt</translation>
    </message>
    <message>
        <source>Country</source>
        <translation>Land</translation>
    </message>
    <message>
        <source>Receivable</source>
        <translation>Offene Forderungen</translation>
    </message>
    <message>
        <source>Credit limit</source>
        <translation>Kreditlimit</translation>
    </message>
    <message>
        <source>Currency</source>
        <translation>Währung</translation>
    </message>
    <message>
        <source>Done</source>
        <translation>Erledigt</translation>
    </message>
    <message>
        <source>Due at</source>
        <translation>Fällig am</translation>
    </message>
    <message>
        <source>Email</source>
        <translation>E-Mail</translation>
    </message>
    <message>
        <source>Blocked in the ERP</source>
        <translation>Im ERP gesperrt</translation>
    </message>
    <message>
        <source>ERP number</source>
        <translation>ERP-Nummer</translation>
    </message>
    <message>
        <source>ERP reference</source>
        <translation>ERP-Referenz</translation>
    </message>
    <message>
        <source>ERP status</source>
        <translation>ERP-Status</translation>
    </message>
    <message>
        <source>Expected close</source>
        <translation>Erwarteter Abschluss</translation>
    </message>
    <message>
        <source>First name</source>
        <translation>Vorname</translation>
    </message>
    <message>
        <source>Industry</source>
        <translation>Branche</translation>
    </message>
    <message>
        <source>Primary contact</source>
        <translation>Hauptkontakt</translation>
    </message>
    <message>
        <source>Kind</source>
        <translation>Art</translation>
    </message>
    <message>
        <source>Last name</source>
        <translation>Nachname</translation>
    </message>
    <message>
        <source>Lost reason</source>
        <translation>Verlustgrund</translation>
    </message>
    <message>
        <source>Mobile</source>
        <translation>Mobil</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>Name</translation>
    </message>
    <message>
        <source>Next step</source>
        <translation>Nächster Schritt</translation>
    </message>
    <message>
        <source>Notes</source>
        <translation>Notizen</translation>
    </message>
    <message>
        <source>Objective</source>
        <translation>Ziel</translation>
    </message>
    <message>
        <source>Order date</source>
        <translation>Auftragsdatum</translation>
    </message>
    <message>
        <source>Owner</source>
        <translation>Zuständig</translation>
    </message>
    <message>
        <source>Phone</source>
        <translation>Telefon</translation>
    </message>
    <message>
        <source>Planned end</source>
        <translation>Geplantes Ende</translation>
    </message>
    <message>
        <source>Planned start</source>
        <translation>Geplanter Beginn</translation>
    </message>
    <message>
        <source>Postal code</source>
        <translation>PLZ</translation>
    </message>
    <message>
        <source>Priority</source>
        <translation>Priorität</translation>
    </message>
    <message>
        <source>Probability</source>
        <translation>Wahrscheinlichkeit</translation>
    </message>
    <message>
        <source>Problem</source>
        <translation>Problem</translation>
    </message>
    <message>
        <source>Region</source>
        <translation>Region</translation>
    </message>
    <message>
        <source>Rejection reason</source>
        <translation>Ablehnungsgrund</translation>
    </message>
    <message>
        <source>Report</source>
        <translation>Bericht</translation>
    </message>
    <message>
        <source>Resolution</source>
        <translation>Lösung</translation>
    </message>
    <message>
        <source>Scheduled end</source>
        <translation>Geplantes Ende</translation>
    </message>
    <message>
        <source>Scheduled start</source>
        <translation>Geplanter Beginn</translation>
    </message>
    <message>
        <source>Segment</source>
        <translation>Segment</translation>
    </message>
    <message>
        <source>Signed by</source>
        <translation>Unterschrieben von</translation>
    </message>
    <message>
        <source>Source</source>
        <translation>Quelle</translation>
    </message>
    <message>
        <source>Stage</source>
        <translation>Phase</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>Status</translation>
    </message>
    <message>
        <source>Street</source>
        <translation>Straße</translation>
    </message>
    <message>
        <source>Subject</source>
        <translation>Betreff</translation>
    </message>
    <message>
        <source>Technician</source>
        <translation>Techniker</translation>
    </message>
    <message>
        <source>Territory</source>
        <translation>Gebiet</translation>
    </message>
    <message>
        <source>Title</source>
        <translation>Titel</translation>
    </message>
    <message>
        <source>Total</source>
        <translation>Summe</translation>
    </message>
    <message>
        <source>Tax</source>
        <translation>Steuer</translation>
    </message>
    <message>
        <source>Total before tax</source>
        <translation>Summe netto</translation>
    </message>
    <message>
        <source>Type</source>
        <translation>Art</translation>
    </message>
    <message>
        <source>Visit every (days)</source>
        <translation>Besuch alle (Tage)</translation>
    </message>
    <message>
        <source>Website</source>
        <translation>Website</translation>
    </message>
    <message>
        <source>Window end</source>
        <translation>Zeitfenster bis</translation>
    </message>
    <message>
        <source>Window start</source>
        <translation>Zeitfenster ab</translation>
    </message>
</context>
<context>
    <name>FileAttacher</name>
    <message>
        <source>Attach a file</source>
        <translation>Datei anhängen</translation>
    </message>
    <message>
        <source>Attaching %1…</source>
        <translation>%1 wird angehängt…</translation>
    </message>
    <message>
        <source>%1 is attached; it is sent with the next sync.</source>
        <translation>%1 ist angehängt und wird mit der nächsten Synchronisierung gesendet.</translation>
    </message>
</context>
<context>
    <name>FileOpener</name>
    <message>
        <source>%1 is on the server. Sign in to download it.</source>
        <translation>%1 liegt auf dem Server. Melden Sie sich an, um die Datei herunterzuladen.</translation>
    </message>
    <message>
        <source>Downloading %1…</source>
        <translation>%1 wird heruntergeladen…</translation>
    </message>
    <message>
        <source>%1 could not be downloaded: %2</source>
        <translation>%1 konnte nicht heruntergeladen werden: %2</translation>
    </message>
    <message>
        <source>No program on this computer opens %1. The file is at %2.</source>
        <translation>Kein Programm auf diesem Computer öffnet %1. Die Datei liegt unter %2.</translation>
    </message>
</context>
<context>
    <name>FilesSection</name>
    <message>
        <source>File</source>
        <translation>Datei</translation>
    </message>
    <message>
        <source>On</source>
        <translation>Bei</translation>
    </message>
    <message>
        <source>Size</source>
        <translation>Größe</translation>
    </message>
    <message>
        <source>Where</source>
        <translation>Wo</translation>
    </message>
    <message>
        <source>Changed</source>
        <translation>Geändert</translation>
    </message>
    <message>
        <source>&amp;Attach file…</source>
        <translation>Datei &amp;anhängen…</translation>
    </message>
    <message>
        <source>Attach a file to the account; files of a job or visit are attached in its form</source>
        <translation>Eine Datei an den Kunden anhängen; Dateien eines Auftrags oder Besuchs werden in dessen Formular angehängt</translation>
    </message>
    <message>
        <source>on this laptop</source>
        <translation>auf diesem Laptop</translation>
    </message>
    <message>
        <source>on the server</source>
        <translation>auf dem Server</translation>
    </message>
</context>
<context>
    <name>ForecastPanel</name>
    <message>
        <source>By month</source>
        <translation>Nach Monat</translation>
    </message>
    <message>
        <source>By quarter</source>
        <translation>Nach Quartal</translation>
    </message>
    <message>
        <source>&amp;Period:</source>
        <translation>&amp;Zeitraum:</translation>
    </message>
    <message>
        <source>C&amp;urrency:</source>
        <translation>W&amp;ährung:</translation>
    </message>
    <message>
        <source>Period</source>
        <translation>Zeitraum</translation>
    </message>
    <message>
        <source>Won</source>
        <translation>Gewonnen</translation>
    </message>
    <message>
        <source>Weighted</source>
        <translation>Gewichtet</translation>
    </message>
    <message>
        <source>Best case</source>
        <translation>Bestfall</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>Name</translation>
    </message>
    <message>
        <source>Quota</source>
        <translation>Soll</translation>
    </message>
    <message>
        <source>Attainment</source>
        <translation>Zielerreichung</translation>
    </message>
    <message>
        <source>This period against quota</source>
        <translation>Dieser Zeitraum im Vergleich zum Soll</translation>
    </message>
    <message>
        <source>Per rep</source>
        <translation>Je Vertriebsmitarbeiter</translation>
    </message>
    <message>
        <source>Per territory</source>
        <translation>Je Gebiet</translation>
    </message>
    <message>
        <source>{period} against quota</source>
        <translation>{period} im Vergleich zum Soll</translation>
    </message>
    <message>
        <source>Expected revenue ({currency})</source>
        <translation>Erwarteter Umsatz ({currency})</translation>
    </message>
</context>
<context>
    <name>Formats</name>
    <message>
        <source>dddd dd MMMM yyyy</source>
        <extracomment>&apos;Saturday 28 November 2026&apos; / &apos;Samstag, 28. November 2026&apos;</extracomment>
        <translation>dddd, d. MMMM yyyy</translation>
    </message>
    <message>
        <source>ddd dd MMM</source>
        <extracomment>&apos;Sat 28 Nov&apos; / &apos;Sa., 28. Nov.&apos;</extracomment>
        <translation>ddd, d. MMM</translation>
    </message>
    <message>
        <source>dd MMM</source>
        <extracomment>&apos;28 Nov&apos; — the first day of a range whose last day shows the year</extracomment>
        <translation>d. MMM</translation>
    </message>
    <message>
        <source>dd MMM yyyy</source>
        <extracomment>&apos;28 Nov 2026&apos;</extracomment>
        <translation>d. MMM yyyy</translation>
    </message>
    <message>
        <source>dd MMM yy</source>
        <extracomment>&apos;28 Nov 26&apos; — a date on a pipeline card</extracomment>
        <translation>dd.MM.yy</translation>
    </message>
    <message>
        <source>yyyy-MM-dd</source>
        <extracomment>&apos;2026-11-28&apos; — a calendar date in lists</extracomment>
        <translation>dd.MM.yyyy</translation>
    </message>
    <message>
        <source>yyyy-MM-dd HH:mm</source>
        <extracomment>&apos;2026-11-28 14:30&apos; — a moment in lists and the status bar</extracomment>
        <translation>dd.MM.yyyy HH:mm</translation>
    </message>
    <message>
        <source>ddd HH:mm</source>
        <extracomment>&apos;Sat 14:30&apos;</extracomment>
        <translation>ddd, HH:mm</translation>
    </message>
</context>
<context>
    <name>GlobalSearch</name>
    <message>
        <source>Search accounts, contacts, deals… (Ctrl+K)</source>
        <extracomment>A pause this long after a keystroke starts the search.</extracomment>
        <translation>Kunden, Kontakte, Chancen suchen… (Strg+K)</translation>
    </message>
    <message>
        <source>Nothing found for “%1”</source>
        <translation>Nichts gefunden für „%1“</translation>
    </message>
</context>
<context>
    <name>HomeBaseDialog</name>
    <message>
        <source>Home base</source>
        <translation>Heimatstandort</translation>
    </message>
    <message>
        <source>Home</source>
        <translation>Zuhause</translation>
    </message>
    <message>
        <source>&amp;No home base</source>
        <translation>&amp;Kein Heimatstandort</translation>
    </message>
    <message>
        <source>Routes start and end at the middle of the day&apos;s stops</source>
        <translation>Routen beginnen und enden in der Mitte der Stopps des Tages</translation>
    </message>
    <message>
        <source>Your routes start here and come back here.</source>
        <translation>Ihre Routen beginnen hier und kehren hierher zurück.</translation>
    </message>
    <message>
        <source>&amp;Name:</source>
        <translation>&amp;Name:</translation>
    </message>
    <message>
        <source>&amp;Latitude:</source>
        <translation>&amp;Breitengrad:</translation>
    </message>
    <message>
        <source>L&amp;ongitude:</source>
        <translation>&amp;Längengrad:</translation>
    </message>
    <message>
        <source>Or right click the territory map where it is.</source>
        <translation>Oder klicken Sie mit der rechten Maustaste auf die Stelle in der Gebietskarte.</translation>
    </message>
</context>
<context>
    <name>JobTimeChoices</name>
    <message>
        <source>Work</source>
        <translation>Arbeit</translation>
    </message>
    <message>
        <source>Travel</source>
        <translation>Fahrt</translation>
    </message>
</context>
<context>
    <name>KpiTable</name>
    <message>
        <source>Territory</source>
        <translation>Gebiet</translation>
    </message>
    <message>
        <source>Accounts</source>
        <translation>Kunden</translation>
    </message>
    <message>
        <source>Open pipeline</source>
        <translation>Offene Pipeline</translation>
    </message>
    <message>
        <source>Visit coverage</source>
        <translation>Besuchsabdeckung</translation>
    </message>
    <message>
        <source>Open jobs</source>
        <translation>Offene Aufträge</translation>
    </message>
</context>
<context>
    <name>LazyTableModel</name>
    <message>
        <source>…</source>
        <extracomment>Pages kept in memory per model (LRU): 20 x 200 rows. Page fetches queued at once; newer requests (where the user is now) win. Requested pages remembered while fetches are busy; older ones are dropped (the user has scrolled past them).</extracomment>
        <translation>…</translation>
    </message>
    <message>
        <source>Loading list…</source>
        <extracomment>``None`` stands for the ids after the first page while only the head of the list is known. How many pages were fetched since the model was made.</extracomment>
        <translation>Liste wird geladen…</translation>
    </message>
</context>
<context>
    <name>LeadChoices</name>
    <message>
        <source>Web enquiry</source>
        <translation>Web-Anfrage</translation>
    </message>
    <message>
        <source>Trade fair or event</source>
        <translation>Messe oder Veranstaltung</translation>
    </message>
    <message>
        <source>Referral</source>
        <translation>Empfehlung</translation>
    </message>
    <message>
        <source>Campaign</source>
        <translation>Kampagne</translation>
    </message>
    <message>
        <source>Phone call</source>
        <translation>Anruf</translation>
    </message>
    <message>
        <source>Other</source>
        <translation>Sonstiges</translation>
    </message>
    <message>
        <source>New</source>
        <translation>Neu</translation>
    </message>
    <message>
        <source>Contacted</source>
        <translation>Kontaktiert</translation>
    </message>
    <message>
        <source>Qualified</source>
        <translation>Qualifiziert</translation>
    </message>
    <message>
        <source>Disqualified</source>
        <translation>Verworfen</translation>
    </message>
    <message>
        <source>Converted</source>
        <translation>Umgewandelt</translation>
    </message>
</context>
<context>
    <name>LinesEditor</name>
    <message>
        <source>Product</source>
        <translation>Produkt</translation>
    </message>
    <message>
        <source>Quantity</source>
        <translation>Menge</translation>
    </message>
    <message>
        <source>Unit price</source>
        <translation>Einzelpreis</translation>
    </message>
    <message>
        <source>Amount</source>
        <translation>Betrag</translation>
    </message>
    <message>
        <source>Add line</source>
        <translation>Position hinzufügen</translation>
    </message>
    <message>
        <source>Remove line</source>
        <translation>Position entfernen</translation>
    </message>
    <message>
        <source>Prices are provisional until the ERP confirms the order.</source>
        <translation>Die Preise sind vorläufig, bis das ERP den Auftrag bestätigt.</translation>
    </message>
    <message>
        <source>(provisional)</source>
        <translation>(vorläufig)</translation>
    </message>
    <message>
        <source>Total %1 (provisional)</source>
        <translation>Summe %1 (vorläufig)</translation>
    </message>
</context>
<context>
    <name>LinkEditor</name>
    <message>
        <source>Type to find…</source>
        <translation>Zum Suchen tippen…</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <source>fieldcrm</source>
        <translation>fieldcrm</translation>
    </message>
    <message>
        <source>Opening your data…</source>
        <extracomment>The page to show once the replica is open (None when it is open).</extracomment>
        <translation>Ihre Daten werden geöffnet…</translation>
    </message>
    <message>
        <source>Main</source>
        <translation>Hauptleiste</translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation>&amp;Datei</translation>
    </message>
    <message>
        <source>&amp;Edit</source>
        <translation>&amp;Bearbeiten</translation>
    </message>
    <message>
        <source>&amp;Log</source>
        <translation>&amp;Erfassen</translation>
    </message>
    <message>
        <source>&amp;Sync</source>
        <translation>&amp;Synchronisation</translation>
    </message>
    <message>
        <source>&amp;Undo</source>
        <translation>&amp;Rückgängig</translation>
    </message>
</context>
<context>
    <name>OpportunityChoices</name>
    <message>
        <source>Prospecting</source>
        <translation>Akquise</translation>
    </message>
    <message>
        <source>Qualification</source>
        <translation>Qualifizierung</translation>
    </message>
    <message>
        <source>Proposal</source>
        <translation>Angebot</translation>
    </message>
    <message>
        <source>Negotiation</source>
        <translation>Verhandlung</translation>
    </message>
    <message>
        <source>Won</source>
        <translation>Gewonnen</translation>
    </message>
    <message>
        <source>Lost</source>
        <translation>Verloren</translation>
    </message>
</context>
<context>
    <name>OrderChoices</name>
    <message>
        <source>Quote</source>
        <translation>Angebot</translation>
    </message>
    <message>
        <source>Order</source>
        <translation>Auftrag</translation>
    </message>
    <message>
        <source>Draft</source>
        <translation>Entwurf</translation>
    </message>
    <message>
        <source>Submitted</source>
        <translation>Übermittelt</translation>
    </message>
    <message>
        <source>Accepted</source>
        <translation>Angenommen</translation>
    </message>
    <message>
        <source>Rejected</source>
        <translation>Abgelehnt</translation>
    </message>
    <message>
        <source>Confirmed</source>
        <translation>Bestätigt</translation>
    </message>
    <message>
        <source>Cancelled</source>
        <translation>Storniert</translation>
    </message>
</context>
<context>
    <name>Pages</name>
    <message>
        <source>Today</source>
        <extracomment>Made while the window is idle after it opens, so opening it is quick.</extracomment>
        <translation>Heute</translation>
    </message>
    <message>
        <source>Accounts</source>
        <translation>Kunden</translation>
    </message>
    <message>
        <source>Contacts</source>
        <translation>Kontakte</translation>
    </message>
    <message>
        <source>Visits</source>
        <translation>Besuche</translation>
    </message>
    <message>
        <source>Activities</source>
        <translation>Aktivitäten</translation>
    </message>
    <message>
        <source>Leads</source>
        <translation>Leads</translation>
    </message>
    <message>
        <source>Opportunities</source>
        <translation>Verkaufschancen</translation>
    </message>
    <message>
        <source>Orders</source>
        <translation>Aufträge</translation>
    </message>
    <message>
        <source>Service jobs</source>
        <translation>Serviceeinsätze</translation>
    </message>
    <message>
        <source>Pipeline</source>
        <translation>Pipeline</translation>
    </message>
    <message>
        <source>Territory</source>
        <translation>Gebiet</translation>
    </message>
    <message>
        <source>Schedule</source>
        <translation>Planung</translation>
    </message>
    <message>
        <source>Account</source>
        <translation>Kunde</translation>
    </message>
</context>
<context>
    <name>PipelineView</name>
    <message>
        <source>All owners</source>
        <extracomment>what a move to another stage changes on the deal (what Ctrl+Z puts back)</extracomment>
        <translation>Alle Verantwortlichen</translation>
    </message>
    <message>
        <source>All territories</source>
        <translation>Alle Gebiete</translation>
    </message>
    <message>
        <source>All products</source>
        <translation>Alle Produkte</translation>
    </message>
    <message>
        <source>Any close date</source>
        <translation>Beliebiges Abschlussdatum</translation>
    </message>
    <message>
        <source>Closing this month</source>
        <translation>Abschluss diesen Monat</translation>
    </message>
    <message>
        <source>Closing this quarter</source>
        <translation>Abschluss dieses Quartal</translation>
    </message>
    <message>
        <source>Closing next quarter</source>
        <translation>Abschluss nächstes Quartal</translation>
    </message>
    <message>
        <source>Closing this year</source>
        <translation>Abschluss dieses Jahr</translation>
    </message>
    <message>
        <source>&amp;Owner:</source>
        <translation>&amp;Verantwortlich:</translation>
    </message>
    <message>
        <source>&amp;Territory:</source>
        <translation>&amp;Gebiet:</translation>
    </message>
    <message>
        <source>&amp;Close:</source>
        <translation>Ab&amp;schluss:</translation>
    </message>
    <message>
        <source>&amp;Product:</source>
        <translation>&amp;Produkt:</translation>
    </message>
    <message>
        <source>&amp;Board</source>
        <translation>&amp;Tafel</translation>
    </message>
    <message>
        <source>&amp;Forecast</source>
        <translation>&amp;Prognose</translation>
    </message>
    <message>
        <source>Move to &amp;next stage</source>
        <translation>In die &amp;nächste Phase</translation>
    </message>
    <message>
        <source>Move to &amp;previous stage</source>
        <translation>In die &amp;vorige Phase</translation>
    </message>
    <message>
        <source>&amp;Refresh</source>
        <translation>&amp;Aktualisieren</translation>
    </message>
    <message>
        <source>The deal was not moved: {reason}</source>
        <translation>Die Verkaufschance wurde nicht verschoben: {reason}</translation>
    </message>
</context>
<context>
    <name>PlanPanel</name>
    <message>
        <source>&amp;Add checked visits to the plan</source>
        <translation>Markierte Besuche zum Plan &amp;hinzufügen</translation>
    </message>
    <message>
        <source>&amp;Submit plan to manager</source>
        <translation>Plan dem Vorgesetzten &amp;vorlegen</translation>
    </message>
    <message>
        <source>Plans waiting for your decision</source>
        <translation>Pläne, die auf Ihre Entscheidung warten</translation>
    </message>
    <message>
        <source>Comment for the rep</source>
        <translation>Kommentar für den Vertriebsmitarbeiter</translation>
    </message>
    <message>
        <source>A&amp;pprove</source>
        <translation>&amp;Genehmigen</translation>
    </message>
    <message>
        <source>&amp;Return</source>
        <translation>&amp;Zurückgeben</translation>
    </message>
    <message>
        <source>&lt;b&gt;Visits due this week&lt;/b&gt;</source>
        <translation>&lt;b&gt;Diese Woche fällige Besuche&lt;/b&gt;</translation>
    </message>
    <message>
        <source>No visit plan for {week} yet.</source>
        <translation>Noch kein Besuchsplan für {week}.</translation>
    </message>
    <message>
        <source>Plan for {week}: {status}</source>
        <translation>Plan für {week}: {status}</translation>
    </message>
    <message>
        <source>Manager: {comment}</source>
        <translation>Vorgesetzter: {comment}</translation>
    </message>
    <message>
        <source>never</source>
        <translation>nie</translation>
    </message>
    <message>
        <source>{name}, {city} — due {due} (last visit {last}, every {n} days)</source>
        <translation>{name}, {city} — fällig {due} (letzter Besuch {last}, alle {n} Tage)</translation>
    </message>
    <message>
        <source>Not done: {reason}</source>
        <translation>Nicht ausgeführt: {reason}</translation>
    </message>
    <message>
        <source>Plan sent to the manager.</source>
        <translation>Plan an den Vorgesetzten gesendet.</translation>
    </message>
    <message>
        <source>Plan approved.</source>
        <translation>Plan genehmigt.</translation>
    </message>
    <message>
        <source>Plan returned.</source>
        <translation>Plan zurückgegeben.</translation>
    </message>
</context>
<context>
    <name>Preferences</name>
    <message>
        <source>As the system</source>
        <translation>Wie das System</translation>
    </message>
</context>
<context>
    <name>PreferencesDialog</name>
    <message>
        <source>Preferences</source>
        <translation>Einstellungen</translation>
    </message>
    <message>
        <source>A new language shows the next time fieldcrm starts.</source>
        <extracomment>setting name -&gt; (its widget, read the widget, show a value in it)</extracomment>
        <translation>Eine neue Sprache erscheint beim nächsten Start von fieldcrm.</translation>
    </message>
    <message>
        <source> min</source>
        <translation> Min.</translation>
    </message>
    <message>
        <source>Sync as soon as the &amp;network is back</source>
        <translation>Synchronisieren, sobald das &amp;Netz wieder da ist</translation>
    </message>
    <message>
        <source> km/h</source>
        <translation> km/h</translation>
    </message>
    <message>
        <source>How much longer the road is than a straight line: 1.30 means a 10 km crow-flight distance is driven as 13 km</source>
        <translation>Wie viel länger die Straße als die Luftlinie ist: 1,30 heißt, 10 km Luftlinie werden als 13 km gefahren</translation>
    </message>
    <message>
        <source>General</source>
        <translation>Allgemein</translation>
    </message>
    <message>
        <source>&amp;Language:</source>
        <translation>&amp;Sprache:</translation>
    </message>
    <message>
        <source>Sync</source>
        <translation>Synchronisation</translation>
    </message>
    <message>
        <source>Sync &amp;every:</source>
        <translation>Synchronisieren &amp;alle:</translation>
    </message>
    <message>
        <source>Working day (schedule and route planning)</source>
        <translation>Arbeitstag (Planung und Routen)</translation>
    </message>
    <message>
        <source>&amp;Starts at:</source>
        <translation>&amp;Beginnt um:</translation>
    </message>
    <message>
        <source>E&amp;nds at:</source>
        <translation>&amp;Endet um:</translation>
    </message>
    <message>
        <source>Average &amp;driving speed:</source>
        <translation>Durchschnittliche &amp;Fahrgeschwindigkeit:</translation>
    </message>
    <message>
        <source>&amp;Road factor:</source>
        <translation>&amp;Umwegfaktor:</translation>
    </message>
    <message>
        <source>Set by your organisation</source>
        <translation>Von Ihrer Organisation festgelegt</translation>
    </message>
    <message>
        <source>The working day must end after it starts.</source>
        <translation>Der Arbeitstag muss nach seinem Beginn enden.</translation>
    </message>
</context>
<context>
    <name>RecordForm</name>
    <message>
        <source>New %1</source>
        <translation>Neu: %1</translation>
    </message>
    <message>
        <source>Edit %1</source>
        <translation>%1 bearbeiten</translation>
    </message>
    <message>
        <source>(from the ERP)</source>
        <translation>(aus dem ERP)</translation>
    </message>
    <message>
        <source>&amp;Convert…</source>
        <translation>&amp;Umwandeln…</translation>
    </message>
    <message>
        <source>Save your changes first, then convert the lead.</source>
        <translation>Speichern Sie zuerst Ihre Änderungen, dann wandeln Sie den Lead um.</translation>
    </message>
    <message>
        <source>Unsaved changes</source>
        <translation>Ungespeicherte Änderungen</translation>
    </message>
    <message>
        <source>This %1 has changes that are not saved. Save them?</source>
        <translation>Dieser Datensatz (%1) hat ungespeicherte Änderungen. Speichern?</translation>
    </message>
</context>
<context>
    <name>RecordListView</name>
    <message>
        <source>%n record</source>
        <translation>%n Datensatz</translation>
    </message>
    <message>
        <source>%n records</source>
        <translation>%n Datensätze</translation>
    </message>
    <message>
        <source>Filter %1…</source>
        <extracomment>Wait this long after the last keystroke before filtering.</extracomment>
        <translation>%1 filtern…</translation>
    </message>
    <message>
        <source>All</source>
        <translation>Alle</translation>
    </message>
    <message>
        <source>Open only</source>
        <translation>Nur offene</translation>
    </message>
    <message>
        <source>Save filter…</source>
        <translation>Filter speichern…</translation>
    </message>
    <message>
        <source>New %1</source>
        <translation>Neu: %1</translation>
    </message>
    <message>
        <source>&amp;Convert…</source>
        <translation>&amp;Umwandeln…</translation>
    </message>
    <message>
        <source>Make the selected lead an account, with its contact and a deal</source>
        <translation>Den gewählten Lead zum Kunden machen, mit Kontakt und Verkaufschance</translation>
    </message>
    <message>
        <source>Saved filters</source>
        <translation>Gespeicherte Filter</translation>
    </message>
    <message>
        <source>Save filter</source>
        <translation>Filter speichern</translation>
    </message>
    <message>
        <source>Name of this filter:</source>
        <translation>Name dieses Filters:</translation>
    </message>
</context>
<context>
    <name>RecordOpener</name>
    <message>
        <source>That record is no longer on this laptop.</source>
        <translation>Dieser Datensatz ist nicht mehr auf diesem Laptop.</translation>
    </message>
    <message>
        <source>fieldcrm</source>
        <translation>fieldcrm</translation>
    </message>
</context>
<context>
    <name>RecordTable</name>
    <message>
        <source>Last name</source>
        <translation>Nachname</translation>
    </message>
    <message>
        <source>First name</source>
        <translation>Vorname</translation>
    </message>
    <message>
        <source>Title</source>
        <translation>Titel</translation>
    </message>
    <message>
        <source>Email</source>
        <translation>E-Mail</translation>
    </message>
    <message>
        <source>Phone</source>
        <translation>Telefon</translation>
    </message>
    <message>
        <source>When</source>
        <translation>Wann</translation>
    </message>
    <message>
        <source>Kind</source>
        <translation>Art</translation>
    </message>
    <message>
        <source>Subject</source>
        <translation>Betreff</translation>
    </message>
    <message>
        <source>By</source>
        <translation>Von</translation>
    </message>
    <message>
        <source>Notes</source>
        <translation>Notizen</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>Name</translation>
    </message>
    <message>
        <source>Stage</source>
        <translation>Phase</translation>
    </message>
    <message>
        <source>Amount</source>
        <translation>Betrag</translation>
    </message>
    <message>
        <source>Expected close</source>
        <translation>Erwarteter Abschluss</translation>
    </message>
    <message>
        <source>Date</source>
        <translation>Datum</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>Status</translation>
    </message>
    <message>
        <source>ERP number</source>
        <translation>ERP-Nummer</translation>
    </message>
    <message>
        <source>ERP status</source>
        <translation>ERP-Status</translation>
    </message>
    <message>
        <source>Total</source>
        <translation>Summe</translation>
    </message>
    <message>
        <source>Scheduled</source>
        <translation>Geplant für</translation>
    </message>
    <message>
        <source>Priority</source>
        <translation>Priorität</translation>
    </message>
    <message>
        <source>Technician</source>
        <translation>Techniker</translation>
    </message>
    <message>
        <source>Planned</source>
        <translation>Geplant</translation>
    </message>
    <message>
        <source>Objective</source>
        <translation>Ziel</translation>
    </message>
    <message>
        <source>Time</source>
        <translation>Zeit</translation>
    </message>
    <message>
        <source>Account</source>
        <translation>Kunde</translation>
    </message>
    <message>
        <source>Job</source>
        <translation>Auftrag</translation>
    </message>
    <message>
        <source>Due</source>
        <translation>Fällig</translation>
    </message>
    <message>
        <source>What</source>
        <translation>Was</translation>
    </message>
    <message>
        <source>Since</source>
        <translation>Seit</translation>
    </message>
    <message>
        <source>Changed</source>
        <translation>Geändert</translation>
    </message>
</context>
<context>
    <name>RouteLayer</name>
    <message>
        <source>Home base</source>
        <translation>Heimatstandort</translation>
    </message>
    <message>
        <source>H</source>
        <comment>home base on the map</comment>
        <translation>H</translation>
    </message>
</context>
<context>
    <name>ScheduleView</name>
    <message>
        <source>Week</source>
        <extracomment>what a drag or Optimise day changes on the calendar (what Ctrl+Z puts back)</extracomment>
        <translation>Woche</translation>
    </message>
    <message>
        <source>Day</source>
        <translation>Tag</translation>
    </message>
    <message>
        <source>Team board</source>
        <translation>Teamübersicht</translation>
    </message>
    <message>
        <source>◀</source>
        <translation>◀</translation>
    </message>
    <message>
        <source>&amp;Today</source>
        <translation>&amp;Heute</translation>
    </message>
    <message>
        <source>▶</source>
        <translation>▶</translation>
    </message>
    <message>
        <source>Earlier (Alt+Left)</source>
        <translation>Früher (Alt+Links)</translation>
    </message>
    <message>
        <source>Later (Alt+Right)</source>
        <translation>Später (Alt+Rechts)</translation>
    </message>
    <message>
        <source>Set &amp;home base…</source>
        <translation>&amp;Heimatstandort festlegen…</translation>
    </message>
    <message>
        <source>&amp;Optimise day</source>
        <translation>Tag &amp;optimieren</translation>
    </message>
    <message>
        <source>&amp;Pin / unpin</source>
        <translation>&amp;Fixieren / lösen</translation>
    </message>
    <message>
        <source>Check &amp;in</source>
        <translation>&amp;Ankunft</translation>
    </message>
    <message>
        <source>Check o&amp;ut</source>
        <translation>A&amp;bfahrt</translation>
    </message>
    <message>
        <source>&lt;b&gt;Warnings&lt;/b&gt;</source>
        <translation>&lt;b&gt;Warnungen&lt;/b&gt;</translation>
    </message>
    <message>
        <source>&lt;b&gt;Route&lt;/b&gt;</source>
        <translation>&lt;b&gt;Route&lt;/b&gt;</translation>
    </message>
    <message>
        <source>D&amp;ay</source>
        <translation>Ta&amp;g</translation>
    </message>
    <message>
        <source>&amp;Visit plan</source>
        <translation>&amp;Besuchsplan</translation>
    </message>
    <message>
        <source>Optimise the day&apos;s route</source>
        <translation>Route des Tages optimieren</translation>
    </message>
    <message>
        <source>Pin or unpin the visit</source>
        <translation>Besuch fixieren oder lösen</translation>
    </message>
    <message>
        <source>Check in</source>
        <translation>Ankunft melden</translation>
    </message>
    <message>
        <source>Check out</source>
        <translation>Abfahrt melden</translation>
    </message>
    <message>
        <source>Earlier</source>
        <translation>Früher</translation>
    </message>
    <message>
        <source>Later</source>
        <translation>Später</translation>
    </message>
    <message>
        <source>No overlaps, windows or drives out of reach.</source>
        <translation>Keine Überschneidungen, keine unerreichbaren Zeitfenster oder Fahrten.</translation>
    </message>
    <message>
        <source>Me ({name})</source>
        <translation>Ich ({name})</translation>
    </message>
    <message>
        <source>{day}: {n} stops in driving order.</source>
        <translation>{day}: {n} Stopps in Fahrreihenfolge.</translation>
    </message>
    <message>
        <source>No stops on this day.</source>
        <translation>Keine Stopps an diesem Tag.</translation>
    </message>
    <message>
        <source>Routes start and end at {name} ({lat:.4f}, {lon:.4f}).</source>
        <translation>Routen beginnen und enden bei {name} ({lat:.4f}, {lon:.4f}).</translation>
    </message>
    <message>
        <source>your home base</source>
        <translation>Ihrem Heimatstandort</translation>
    </message>
    <message>
        <source>No home base: routes start and end at the middle of the day&apos;s stops.</source>
        <translation>Kein Heimatstandort: Routen beginnen und enden in der Mitte der Stopps des Tages.</translation>
    </message>
    <message>
        <source>Home base</source>
        <translation>Heimatstandort</translation>
    </message>
    <message>
        <source>Not done: {reason}</source>
        <translation>Nicht ausgeführt: {reason}</translation>
    </message>
    <message>
        <source>Moved to {when}.</source>
        <translation>Verschoben auf {when}.</translation>
    </message>
    <message>
        <source>Optimising the route…</source>
        <translation>Route wird optimiert…</translation>
    </message>
    <message>
        <source>Undo route optimisation</source>
        <translation>Routenoptimierung rückgängig</translation>
    </message>
    <message>
        <source>Route optimised; pinned visits kept their place.</source>
        <translation>Route optimiert; fixierte Besuche blieben an ihrem Platz.</translation>
    </message>
    <message>
        <source>{n} stops do not fit between {start} and {end} and stay where they were.</source>
        <translation>{n} Stopps passen nicht zwischen {start} und {end} und bleiben, wo sie waren.</translation>
    </message>
    <message>
        <source>Unpinned.</source>
        <translation>Gelöst.</translation>
    </message>
    <message>
        <source>Pinned at its place.</source>
        <translation>An seinem Platz fixiert.</translation>
    </message>
    <message>
        <source>Checked in.</source>
        <translation>Ankunft erfasst.</translation>
    </message>
    <message>
        <source>Visit done.</source>
        <translation>Besuch erledigt.</translation>
    </message>
</context>
<context>
    <name>ServiceJobChoices</name>
    <message>
        <source>Installation</source>
        <translation>Installation</translation>
    </message>
    <message>
        <source>Repair</source>
        <translation>Reparatur</translation>
    </message>
    <message>
        <source>Maintenance</source>
        <translation>Wartung</translation>
    </message>
    <message>
        <source>Inspection</source>
        <translation>Inspektion</translation>
    </message>
    <message>
        <source>Low</source>
        <translation>Niedrig</translation>
    </message>
    <message>
        <source>Normal</source>
        <translation>Normal</translation>
    </message>
    <message>
        <source>High</source>
        <translation>Hoch</translation>
    </message>
    <message>
        <source>Urgent</source>
        <translation>Dringend</translation>
    </message>
    <message>
        <source>New</source>
        <translation>Neu</translation>
    </message>
    <message>
        <source>Scheduled</source>
        <translation>Eingeplant</translation>
    </message>
    <message>
        <source>En route</source>
        <translation>Unterwegs</translation>
    </message>
    <message>
        <source>In progress</source>
        <translation>In Arbeit</translation>
    </message>
    <message>
        <source>On hold</source>
        <translation>Angehalten</translation>
    </message>
    <message>
        <source>Completed</source>
        <translation>Abgeschlossen</translation>
    </message>
    <message>
        <source>Cancelled</source>
        <translation>Storniert</translation>
    </message>
</context>
<context>
    <name>SignInDialog</name>
    <message>
        <source>Sign in to fieldcrm</source>
        <translation>Bei fieldcrm anmelden</translation>
    </message>
    <message>
        <source>Server</source>
        <translation>Server</translation>
    </message>
    <message>
        <source>User name</source>
        <translation>Benutzername</translation>
    </message>
    <message>
        <source>Password</source>
        <translation>Passwort</translation>
    </message>
    <message>
        <source>Sign in</source>
        <translation>Anmelden</translation>
    </message>
    <message>
        <source>Your password is sent to the server once; this laptop keeps only a sign-in token, in the system&apos;s key store.</source>
        <translation>Ihr Passwort wird einmal an den Server gesendet; dieser Laptop behält nur ein Anmelde-Token, im Schlüsselspeicher des Systems.</translation>
    </message>
    <message>
        <source>Signing in is not possible on this laptop: no secure key store is available. Ask IT to set one up.</source>
        <translation>Anmelden ist auf diesem Laptop nicht möglich: Es gibt keinen sicheren Schlüsselspeicher. Bitten Sie die IT, einen einzurichten.</translation>
    </message>
    <message>
        <source>Enter the server, your user name and your password.</source>
        <translation>Geben Sie den Server, Ihren Benutzernamen und Ihr Passwort ein.</translation>
    </message>
    <message>
        <source>Signing in…</source>
        <translation>Anmeldung läuft…</translation>
    </message>
</context>
<context>
    <name>SignatureDialog</name>
    <message>
        <source>Customer signature</source>
        <translation>Unterschrift des Kunden</translation>
    </message>
    <message>
        <source>Name of the person signing</source>
        <translation>Name der unterschreibenden Person</translation>
    </message>
    <message>
        <source>C&amp;lear</source>
        <translation>&amp;Leeren</translation>
    </message>
    <message>
        <source>Signed by</source>
        <translation>Unterschrieben von</translation>
    </message>
    <message>
        <source>Sign in the box:</source>
        <translation>Bitte im Feld unterschreiben:</translation>
    </message>
    <message>
        <source>Saving the signature…</source>
        <translation>Unterschrift wird gespeichert…</translation>
    </message>
</context>
<context>
    <name>StageColumn</name>
    <message>
        <source>Total {total}
Weighted {weighted}</source>
        <translation>Summe {total}
Gewichtet {weighted}</translation>
    </message>
</context>
<context>
    <name>SyncCenter</name>
    <message>
        <source>Sync center</source>
        <translation>Synchronisationszentrale</translation>
    </message>
    <message>
        <source>Made</source>
        <translation>Erstellt</translation>
    </message>
    <message>
        <source>Record</source>
        <translation>Datensatz</translation>
    </message>
    <message>
        <source>Change</source>
        <translation>Änderung</translation>
    </message>
    <message>
        <source>Fields</source>
        <translation>Felder</translation>
    </message>
    <message>
        <source>Field</source>
        <translation>Feld</translation>
    </message>
    <message>
        <source>Before</source>
        <translation>Vorher</translation>
    </message>
    <message>
        <source>Mine</source>
        <translation>Meine</translation>
    </message>
    <message>
        <source>Theirs (server)</source>
        <translation>Deren (Server)</translation>
    </message>
    <message>
        <source>Keep mine</source>
        <translation>Meine behalten</translation>
    </message>
    <message>
        <source>Take theirs</source>
        <translation>Deren übernehmen</translation>
    </message>
    <message>
        <source>Send my edited values</source>
        <translation>Meine bearbeiteten Werte senden</translation>
    </message>
    <message>
        <source>Discard mine</source>
        <translation>Meine verwerfen</translation>
    </message>
    <message>
        <source>To edit, change values in the “Mine” column, then send them.</source>
        <translation>Zum Bearbeiten die Werte in der Spalte „Meine“ ändern und dann senden.</translation>
    </message>
    <message>
        <source>Needs attention</source>
        <translation>Zu prüfen</translation>
    </message>
    <message>
        <source>Waiting to be sent</source>
        <translation>Wartet auf Senden</translation>
    </message>
    <message>
        <source>Sync log</source>
        <translation>Synchronisationsprotokoll</translation>
    </message>
    <message>
        <source>Sync now</source>
        <translation>Jetzt synchronisieren</translation>
    </message>
    <message>
        <source>new</source>
        <translation>neu</translation>
    </message>
    <message>
        <source>edit</source>
        <translation>Änderung</translation>
    </message>
    <message>
        <source>delete</source>
        <translation>Löschung</translation>
    </message>
    <message>
        <source>Waiting to be sent (%1)</source>
        <translation>Wartet auf Senden (%1)</translation>
    </message>
    <message>
        <source>Conflict</source>
        <translation>Konflikt</translation>
    </message>
    <message>
        <source>Rejected</source>
        <translation>Abgelehnt</translation>
    </message>
    <message>
        <source>Needs attention (%1)</source>
        <translation>Zu prüfen (%1)</translation>
    </message>
    <message>
        <source>Nothing needs your attention.</source>
        <translation>Nichts zu prüfen.</translation>
    </message>
</context>
<context>
    <name>SyncController</name>
    <message>
        <source>Checking sign-in</source>
        <extracomment>Everything a pull can bring. What the person can change on this laptop: any of these starts a debounced round. Quiet seconds after the last local edit before a round. Pauses between ``/health`` probes while offline: the first, and the longest.</extracomment>
        <translation>Anmeldung wird geprüft</translation>
    </message>
    <message>
        <source>Not signed in</source>
        <translation>Nicht angemeldet</translation>
    </message>
    <message>
        <source>Sign in again</source>
        <translation>Erneut anmelden</translation>
    </message>
    <message>
        <source>The server does not answer; trying again shortly.</source>
        <translation>Der Server antwortet nicht; neuer Versuch in Kürze.</translation>
    </message>
    <message>
        <source>%1  sent %2, received %3, conflicts %4, rejected %5</source>
        <translation>%1  gesendet %2, empfangen %3, Konflikte %4, abgelehnt %5</translation>
    </message>
</context>
<context>
    <name>SyncUi</name>
    <message>
        <source>Your sign-in has ended. Sign in again to send your changes.</source>
        <translation>Ihre Anmeldung ist abgelaufen. Melden Sie sich erneut an, um Ihre Änderungen zu senden.</translation>
    </message>
    <message>
        <source>Sign in…</source>
        <translation>Anmelden…</translation>
    </message>
    <message>
        <source>S&amp;ync now</source>
        <translation>&amp;Jetzt synchronisieren</translation>
    </message>
</context>
<context>
    <name>TaskRunner</name>
    <message>
        <source>Working…</source>
        <extracomment>An op still running after this long shows the busy cursor. An op still running after this long is announced for a progress display. Network work runs on at most this many threads at once.</extracomment>
        <translation>In Arbeit…</translation>
    </message>
</context>
<context>
    <name>TerritoryView</name>
    <message>
        <source>Wheel or +/- to zoom, drag to pan, Shift+drag to select accounts, 0 to see all; right click (or the menu key) to set your home base.</source>
        <translation>Mausrad oder +/- zum Zoomen, Ziehen zum Verschieben, Umschalt+Ziehen zum Auswählen von Kunden, 0 zeigt alles; Rechtsklick (oder die Menütaste) legt Ihren Heimatstandort fest.</translation>
    </message>
    <message>
        <source>R&amp;oute of:</source>
        <translation>R&amp;oute von:</translation>
    </message>
    <message>
        <source>Select its &amp;accounts</source>
        <translation>Seine &amp;Kunden auswählen</translation>
    </message>
    <message>
        <source>Move accounts to another territory</source>
        <translation>Kunden in ein anderes Gebiet verschieben</translation>
    </message>
    <message>
        <source>&amp;Preview</source>
        <translation>&amp;Vorschau</translation>
    </message>
    <message>
        <source>&amp;Move accounts</source>
        <translation>Kunden &amp;verschieben</translation>
    </message>
    <message>
        <source>&amp;To:</source>
        <translation>&amp;Nach:</translation>
    </message>
    <message>
        <source>&amp;Refresh</source>
        <translation>&amp;Aktualisieren</translation>
    </message>
    <message>
        <source>Loading the map…</source>
        <translation>Karte wird geladen…</translation>
    </message>
    <message>
        <source>{day}: no stops with an address.</source>
        <translation>{day}: keine Stopps mit Adresse.</translation>
    </message>
    <message>
        <source>your home base</source>
        <translation>Ihrem Heimatstandort</translation>
    </message>
    <message>
        <source>Home base</source>
        <translation>Heimatstandort</translation>
    </message>
    <message>
        <source>Select accounts on the map (Shift+drag) or a territory&apos;s accounts from the list.</source>
        <translation>Wählen Sie Kunden auf der Karte (Umschalt+Ziehen) oder die Kunden eines Gebiets aus der Liste.</translation>
    </message>
    <message>
        <source>Select the accounts to move first.</source>
        <translation>Wählen Sie zuerst die zu verschiebenden Kunden aus.</translation>
    </message>
    <message>
        <source>{name}: now</source>
        <translation>{name}: jetzt</translation>
    </message>
    <message>
        <source>{name}: after the move</source>
        <translation>{name}: nach dem Verschieben</translation>
    </message>
    <message>
        <source>Nothing is changed until you press Move accounts.</source>
        <translation>Nichts wird geändert, bevor Sie „Kunden verschieben“ drücken.</translation>
    </message>
    <message>
        <source>Not done: {reason}</source>
        <translation>Nicht ausgeführt: {reason}</translation>
    </message>
</context>
<context>
    <name>TodayView</name>
    <message>
        <source>Visits</source>
        <translation>Besuche</translation>
    </message>
    <message>
        <source>Service jobs</source>
        <translation>Serviceeinsätze</translation>
    </message>
    <message>
        <source>Tasks</source>
        <translation>Aufgaben</translation>
    </message>
    <message>
        <source>Overdue</source>
        <translation>Überfällig</translation>
    </message>
    <message>
        <source>Changed since the last sync</source>
        <translation>Seit der letzten Synchronisation geändert</translation>
    </message>
    <message>
        <source>Today — {day}</source>
        <translation>Heute — {day}</translation>
    </message>
</context>
<context>
    <name>UserChoices</name>
    <message>
        <source>Sales rep</source>
        <translation>Außendienst</translation>
    </message>
    <message>
        <source>Technician</source>
        <translation>Techniker</translation>
    </message>
    <message>
        <source>Manager</source>
        <translation>Manager</translation>
    </message>
    <message>
        <source>Administrator</source>
        <translation>Administrator</translation>
    </message>
</context>
<context>
    <name>VisitChoices</name>
    <message>
        <source>Planned</source>
        <translation>Geplant</translation>
    </message>
    <message>
        <source>Checked in</source>
        <translation>Vor Ort</translation>
    </message>
    <message>
        <source>Done</source>
        <translation>Erledigt</translation>
    </message>
    <message>
        <source>Missed</source>
        <translation>Verpasst</translation>
    </message>
    <message>
        <source>Cancelled</source>
        <translation>Abgesagt</translation>
    </message>
</context>
<context>
    <name>VisitPlanChoices</name>
    <message>
        <source>Draft</source>
        <translation>Entwurf</translation>
    </message>
    <message>
        <source>Submitted</source>
        <translation>Eingereicht</translation>
    </message>
    <message>
        <source>Approved</source>
        <translation>Genehmigt</translation>
    </message>
    <message>
        <source>Returned</source>
        <translation>Zurückgegeben</translation>
    </message>
</context>
<context>
    <name>VisitReportDialog</name>
    <message>
        <source>Visit report</source>
        <translation>Besuchsbericht</translation>
    </message>
    <message>
        <source>What was discussed, what was agreed, next steps…</source>
        <translation>Was wurde besprochen, was vereinbart, nächste Schritte…</translation>
    </message>
</context>
</TS>
