"""What callers report and what staff write back, per service in the seeded catalogue.

Templates use ``{slot}`` fields filled from FILL below, so a million tickets read
like a real queue rather than one sentence repeated.
"""
from __future__ import annotations

import random
from dataclasses import dataclass

FILL: dict[str, tuple[str, ...]] = {
    "building": ("Hamilton Hall", "Davis Library", "Sitterson Hall", "Phillips Annex", "Kenan Labs",
                 "the Student Union", "Carroll Hall", "Gardner Hall", "Murphey Hall", "the Law Library",
                 "Bondurant Hall", "the Health Sciences Library", "Fetzer Gym", "Morehead Labs"),
    "room": ("101", "G12", "204", "310A", "B-07", "115", "2nd floor study area", "lecture hall 1",
             "seminar room 3", "lab 4"),
    "laptop": ("Dell Latitude 7440", "MacBook Air M2", "Lenovo ThinkPad T14", "HP EliteBook 840",
               "MacBook Pro 14", "Surface Laptop 5", "Dell XPS 13", "Lenovo Yoga 7"),
    "symptom": ("won't power on", "has a cracked screen", "keyboard keys stopped working",
                "battery drains in an hour", "overheats and shuts down", "is stuck on the boot logo",
                "has no sound", "trackpad is unresponsive", "charging port is loose",
                "had coffee spilled on it", "shows a blue screen on start-up", "hinge snapped"),
    "printer": ("PRN-DAVIS-2F", "PRN-HAM-101", "PRN-UNION-LOBBY", "PRN-LAW-B", "PRN-KENAN-3"),
    "course": ("MATH 231", "CHEM 101", "HIST 128", "COMP 110", "PHYS 118", "BUSI 401", "ENGL 105",
               "BIOL 101", "ECON 101", "PSYC 210"),
    "error": ("0x80070005", "AADSTS50076", "ERR_CONNECTION_RESET", "HTTP 502", "HTTP 403",
              "error 1603", "0xC004F074", "SSL handshake failed", "timeout after 30 s"),
    "os": ("Windows 11", "macOS 14", "iOS 17", "Android 14", "Ubuntu 22.04", "ChromeOS"),
    "app": ("Outlook", "Teams", "Zoom", "the VPN client", "Canvas", "OneDrive", "Duo Mobile",
            "MATLAB", "SPSS", "Adobe Acrobat"),
    "when": ("since this morning", "since yesterday", "since the update last night",
             "for about a week", "intermittently for a few days", "since I changed my password",
             "after the room was renovated", "right before my exam"),
}


@dataclass(frozen=True)
class ServiceTexts:
    service: str
    weight: int
    channels: tuple[tuple[str, int], ...]
    categories: tuple[str, ...]
    titles: tuple[str, ...]
    descriptions: tuple[str, ...]
    notes: tuple[str, ...]
    resolutions: tuple[tuple[str, str], ...]
    major_titles: tuple[str, ...] = ()
    problems: tuple[tuple[str, str, str], ...] = ()  # title, root cause, workaround


_WALK = (("walk_in", 55), ("phone", 20), ("email", 15), ("self_service", 10))
_REMOTE = (("self_service", 35), ("email", 25), ("phone", 25), ("walk_in", 10), ("monitoring", 5))

SERVICES: tuple[ServiceTexts, ...] = (
    ServiceTexts(
        "Laptop Repair", 14, _WALK, ("Hardware", "Damage", "Performance"),
        ("{laptop} {symptom}", "Laptop {symptom} — need it for class", "{laptop}: {symptom}",
         "Screen flickers on {laptop}", "Laptop won't charge", "Water damage on {laptop}"),
        ("My {laptop} {symptom} {when}. I have assignments due this week and need it back as "
         "soon as possible.",
         "Dropped off at the counter. The {laptop} {symptom}. Charger included. Customer consents "
         "to a backup of the Documents folder.",
         "The {laptop} {symptom}. I already tried restarting and holding the power button for 30 "
         "seconds. Running {os}.",
         "Departmental laptop (asset tag on the bottom). It {symptom} {when}."),
        ("Intake check done, no further external damage noted.", "Ran vendor diagnostics: failure "
         "confirmed.", "Parts ordered from the vendor, ETA 3–5 business days.",
         "Backed up user data to the repair share.", "Reseated the RAM and battery connector.",
         "Customer called asking for an update; told them we are waiting for parts."),
        (("replaced", "Replaced the failed part; diagnostics pass. Ready for pickup."),
         ("fixed", "Reseated internal connectors and updated firmware; laptop passes the quality "
          "test."),
         ("vendor_fix", "Sent to the vendor under warranty; returned repaired."),
         ("no_fault_found", "Could not reproduce the fault after 24 h burn-in; returned to "
          "customer.")),
        problems=(("Batch of {laptop} batteries swelling", "Defective battery lot from the supplier",
                   "Swap the battery from stock; do not charge swollen units"),),
    ),
    ServiceTexts(
        "Accounts & Passwords", 20, (("phone", 35), ("walk_in", 25), ("self_service", 25),
                                     ("email", 15)),
        ("Access",),
        ("Locked out of my university account", "Password reset not working",
         "MFA prompts not arriving on my phone", "New phone — need to move Duo Mobile",
         "Cannot sign in to {app}: {error}", "Account disabled after graduation?",
         "Guest account for visiting scholar", "Sign-in loop on the portal"),
        ("I cannot sign in {when}. The portal says {error}. I need access for {course}.",
         "I got a new phone and the MFA codes go to the old one. Please help me re-enrol.",
         "The password reset e-mail never arrives. I checked spam. Using {os}.",
         "My account shows as disabled but I am still enrolled / employed."),
        ("Verified identity with photo ID at the counter.", "Cleared the lockout in the directory.",
         "Re-registered the MFA device.", "Account was disabled by the nightly feed; checking "
         "status with HR/Registrar."),
        (("fixed", "Unlocked the account and verified the caller can sign in."),
         ("user_education", "Walked the caller through the self-service password reset."),
         ("workaround", "Issued bypass codes until the new phone is enrolled.")),
        major_titles=("Single sign-on unavailable for all users",),
        problems=(("Accounts disabled by the nightly directory feed", "Status end dates from the "
                   "feed processed in the wrong time zone", "Re-enable manually; feed fix pending"),),
    ),
    ServiceTexts(
        "Wi-Fi & Network", 16, _REMOTE, ("Connectivity", "Performance"),
        ("eduroam drops every few minutes in {building}", "No Wi-Fi in {building} room {room}",
         "VPN disconnects: {error}", "Very slow network in {building}",
         "Wired port dead in {building} {room}", "Cannot join eduroam on {os}"),
        ("Wi-Fi in {building} ({room}) keeps disconnecting {when}. Other students have the same "
         "problem.", "The VPN client fails with {error} {when}. I need it to reach the library "
         "databases from home.", "Network is extremely slow in {building}; video calls freeze."),
        ("Checked the access point on the controller: high channel utilisation.",
         "Port shows as err-disabled on the switch; re-enabled.", "Asked the caller for a MAC "
         "address and time of failure.", "Escalated to Network for a site survey."),
        (("fixed", "Replaced the faulty access point; coverage verified."),
         ("fixed", "Re-enabled the switch port and patched the cable."),
         ("user_education", "Reinstalled the eduroam profile with the onboarding tool."),
         ("not_reproducible", "Signal and throughput normal on two site visits.")),
        major_titles=("Campus-wide Wi-Fi outage", "VPN concentrator down", "Core switch failure in "
                      "{building}"),
        problems=(("Access points in {building} reboot nightly", "Firmware bug in the AP release",
                   "Schedule reboots outside teaching hours"),),
    ),
    ServiceTexts(
        "Printing", 10, _WALK, ("Hardware", "Software", "Request"),
        ("Printer {printer} jammed", "Print job stuck in queue on {printer}",
         "Charged twice for a print job", "Cannot add campus printer on {os}",
         "{printer} printing blank pages"),
        ("{printer} in {building} is jammed {when}. Several of us are waiting to print for "
         "{course}.", "My job shows as printed but nothing came out of {printer}. I was charged.",
         "I cannot add the printer on {os}; the installer stops with {error}."),
        ("Cleared the jam; fuser looks worn.", "Refunded the print credit.",
         "Vendor ticket opened for the fuser."),
        (("fixed", "Cleared the jam and cleaned the rollers."),
         ("replaced", "Vendor replaced the fuser unit."),
         ("user_education", "Showed the caller how to release held jobs at the station.")),
    ),
    ServiceTexts(
        "Email & Calendar", 12, _REMOTE, ("Software", "Access", "Data"),
        ("Outlook keeps asking for my password", "Shared mailbox missing",
         "Calendar invites not showing", "Mailbox full", "Phishing e-mail received",
         "Mailing list not delivering", "{app} crashes on {os}"),
        ("Outlook prompts for my password every few minutes {when}.", "I no longer see the "
         "department shared mailbox in {app}.", "I received a suspicious e-mail asking for my "
         "password. Forwarded as attachment.", "Messages to our mailing list bounce with {error}."),
        ("Checked message trace.", "Re-added mailbox permissions.", "Blocked the sender domain; "
         "purged the message from all mailboxes."),
        (("fixed", "Reset the mail profile; sign-in prompts stopped."),
         ("fixed", "Restored the shared mailbox permission."),
         ("user_education", "Explained how to report phishing with the button."),
         ("duplicate", "Duplicate of an earlier ticket from the same caller.")),
        major_titles=("E-mail delivery delayed for all users",),
        problems=(("Outlook credential prompts after client update", "Token cache corrupted by "
                   "client build 2408", "Clear the credential manager entries"),),
    ),
    ServiceTexts(
        "Learning Management", 10, _REMOTE, ("Software", "Access", "Data"),
        ("Cannot see {course} in Canvas", "Quiz submission failed", "Gradebook not syncing",
         "Video upload fails in {course}", "Student cannot open assignment: {error}"),
        ("I am enrolled in {course} but it does not show in Canvas {when}.", "My quiz for "
         "{course} failed to submit with {error}. The deadline is tonight.", "Grades for "
         "{course} are not syncing to the registrar."),
        ("Enrolment feed checked: section missing.", "Re-ran the sync for the course.",
         "Asked the instructor to extend the quiz attempt."),
        (("fixed", "Corrected the enrolment; the course now shows."),
         ("workaround", "Instructor granted an extra attempt while the vendor investigates."),
         ("vendor_fix", "Vendor deployed a fix for the submission bug.")),
        major_titles=("Learning management system unavailable during exams",),
    ),
    ServiceTexts(
        "Classroom Technology", 9, (("phone", 45), ("walk_in", 15), ("email", 20),
                                    ("self_service", 10), ("monitoring", 10)),
        ("Hardware", "Software"),
        ("Projector dead in {building} {room}", "No audio in {building} {room}",
         "Lecture capture did not record {course}", "Document camera not working in {room}",
         "Room PC won't log in ({building} {room})"),
        ("The projector in {building} {room} will not turn on. Class ({course}) starts in 10 "
         "minutes.", "Lecture capture did not record {course} {when}.", "No sound from the "
         "ceiling speakers in {building} {room}."),
        ("Technician dispatched to the room.", "Lamp hours exceeded; replacement ordered.",
         "Control panel rebooted."),
        (("fixed", "Reset the control system; projector and audio working."),
         ("replaced", "Replaced the projector lamp."),
         ("workaround", "Provided a portable projector until the part arrives.")),
    ),
    ServiceTexts(
        "Research Computing", 4, (("email", 50), ("self_service", 30), ("monitoring", 20)),
        ("Performance", "Data", "Access"),
        ("Jobs stuck in queue on the cluster", "Scratch storage full", "Cannot SSH to login node",
         "Need quota increase for research storage", "Module {app} missing on cluster"),
        ("My jobs have been pending {when}; squeue shows (Resources).", "SSH to the login node "
         "fails with {error}.", "Our lab needs 5 TB more on research storage for the grant."),
        ("Checked scheduler logs.", "Drained and resumed the node.", "Quota adjusted."),
        (("fixed", "Restarted the scheduler daemon; jobs are running."),
         ("fixed", "Increased the quota."), ("workaround", "Moved the job to the backup partition.")),
        major_titles=("Cluster storage offline",),
    ),
    ServiceTexts(
        "Student Information System", 5, (("phone", 40), ("email", 30), ("self_service", 30)),
        ("Access", "Data", "Request"),
        ("Cannot register for {course}", "Transcript request error", "Grades missing for "
         "{course}", "Registration portal error {error}"),
        ("The registration portal shows {error} when I add {course}.", "My grade for {course} "
         "is missing {when}.", "I need access to the advising screens for my new role."),
        ("Confirmed the hold with the Registrar.", "Escalated to the SIS application team."),
        (("fixed", "Cleared the stale registration hold."),
         ("user_education", "Explained the registration time-ticket rules."),
         ("duplicate", "Duplicate of an earlier request.")),
    ),
)

PUBLIC_REPLIES = (
    "Hi {name}, thanks for contacting the IT Service Desk. {tech} is looking into this now.",
    "Hi {name}, we are working on it and will update you by the end of the day.",
    "Hi {name}, could you tell us the exact time this last happened and send a screenshot?",
    "Hi {name}, we are waiting on a part from the vendor; we will let you know when it arrives.",
    "Hi {name}, this should be fixed now. Please let us know if it happens again.",
)
CUSTOMER_REPLIES = (
    "Thanks — it happened again at 10:15 this morning.",
    "Screenshot attached. It still fails.",
    "Thank you, it works now!",
    "Any update? I need this for class tomorrow.",
)
CANCEL_REASONS = ("Caller reports the issue went away on its own.", "Duplicate ticket.",
                  "Logged by mistake at the counter.", "Caller withdrew the request.")
REOPEN_REASONS = ("Caller reports the fault is back.", "Fix did not hold after restart.")
PENDING_NOTES = {
    "pending_customer": "Waiting for the caller to reply.",
    "pending_vendor": "Waiting for the vendor.",
    "pending_parts": "Waiting for parts.",
}
COMMS = ("Major incident declared; teams engaged. Next update in 30 minutes.",
         "Cause identified; fix in progress. Next update in 30 minutes.",
         "Service restored for most users; monitoring.")
AUTO_CLOSE_REASON = "Closed automatically 5 business days after resolution"

# A few tickets written in the caller's own language.
FOREIGN = (
    "Mi portátil no enciende desde ayer. ¿Pueden ayudarme?",
    "我的电脑无法连接校园无线网络。",
    "لا أستطيع تسجيل الدخول إلى حسابي الجامعي.",
    "Не могу войти в учебную систему, выдаёт ошибку.",
    "ノートパソコンの画面が割れてしまいました。",
    "मेरा लैपटॉप चार्ज नहीं हो रहा है।",
    "Mon imprimante n’imprime que des pages blanches.",
    "Το Wi-Fi στη βιβλιοθήκη δεν λειτουργεί.",
)


def fill(template: str, rng: random.Random, **extra: str) -> str:
    """Fill ``{slot}`` fields; unknown slots come from ``extra``."""
    if "{" not in template:
        return template
    slots = _SLOTS.get(template)
    if slots is None:
        slots = _SLOTS[template] = tuple(k for k in FILL if "{" + k + "}" in template)
    values = {k: rng.choice(FILL[k]) for k in slots}
    values.update(extra)
    return template.format(**values)


_SLOTS: dict[str, tuple[str, ...]] = {}
