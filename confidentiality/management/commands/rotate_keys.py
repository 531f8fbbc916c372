import time

from django.core.management.base import BaseCommand, CommandError

from confidentiality.crypto.keyring import keyring, new_key_entry
from confidentiality.crypto.rotation import (
    RotationRefused,
    key_counts,
    rotate_all,
    switch_to_newest,
    totals_by_key,
    unpadded_counts,
)
from confidentiality.crypto.sealing import SETTLE_SECONDS, recorded_key_id

MAX_PASSES = 3


class Command(BaseCommand):
    help = (
        "Switch the school to the first key in FIELD_ENCRYPTION_KEYS and re-encrypt every value "
        "with it, in batches, while the site runs (safe to stop and run again: it resumes). "
        "Values sealed before padding are re-sealed padded, even on the same key. "
        "--check counts the values on each key; --retire KEY confirms a key may be dropped."
    )

    def add_arguments(self, parser):
        parser.add_argument("--batch-size", type=int, default=1000)
        parser.add_argument(
            "--check",
            action="store_true",
            help="Change nothing: count the values on each key, per column, and those sealed "
            "before padding. Exits 1 when a value is on a key that is not in "
            "FIELD_ENCRYPTION_KEYS.",
        )
        parser.add_argument(
            "--retire",
            metavar="KEY_ID",
            help="Change nothing: confirm that no value is left on KEY_ID, so it can be removed "
            "from FIELD_ENCRYPTION_KEYS. Exits 1 (and says how many remain) otherwise.",
        )
        parser.add_argument(
            "--new-key",
            metavar="KEY_ID",
            help="Change nothing: print a fresh 'KEY_ID:base64key' entry to put first in "
            "FIELD_ENCRYPTION_KEYS.",
        )
        parser.add_argument(
            "--settle",
            type=float,
            default=SETTLE_SECONDS,
            help="Seconds to wait after the switch, so running servers have seen it "
            f"(default {SETTLE_SECONDS:g}).",
        )

    def handle(self, *args, batch_size, check, retire, new_key, settle, **options):
        if new_key:
            if new_key in keyring():
                raise CommandError(f"‘{new_key}’ is already in FIELD_ENCRYPTION_KEYS.")
            return self.stdout.write(new_key_entry(new_key))
        if check:
            return self.check_keys()
        if retire:
            return self.retire(retire)
        return self.rotate(batch_size, settle)

    # --- rotate ------------------------------------------------------------------------------
    def rotate(self, batch_size, settle):
        try:
            target = switch_to_newest()
        except RotationRefused as refusal:
            raise CommandError(str(refusal)) from None
        self.stdout.write(f"Every server now seals new values with key ‘{target}’.")
        if settle > 0:
            self.stdout.write(f"Waiting {settle:g} seconds so running servers see the switch…")
            time.sleep(settle)
        unreadable = 0
        for attempt in range(1, MAX_PASSES + 1):
            totals = rotate_all(batch_size=batch_size, report=self.stdout.write, target=target)
            unreadable = totals["unreadable"]
            self.stdout.write(
                f"Pass {attempt}: {totals['scanned']} values checked, {totals['rotated']} "
                f"re-encrypted, {totals['current']} already on ‘{target}’, {totals['retry']} "
                f"changed while running, {unreadable} could not be opened."
            )
            left = self.left_behind(target)
            if sum(left.values()) <= unreadable:
                break  # only values no key in this ring opens: another pass changes nothing
        self.report_keys(key_counts())
        left = self.left_behind(target)
        if left:
            remaining = ", ".join(f"{count} {where}" for where, count in sorted(left.items()))
            raise CommandError(
                f"Not finished: {remaining}. Values that could not be opened are named in the "
                "log (field and row); run rotate_keys again with a ring holding their key."
            )
        old = [key for key in keyring().order if key != target]
        advice = "".join(f" Next: rotate_keys --retire {key}" for key in old)
        self.stdout.write(self.style.SUCCESS(f"Done: every value is on ‘{target}’.{advice}"))

    @staticmethod
    def left_behind(target):
        totals = totals_by_key(key_counts())
        left = {f"on ‘{key}’": count for key, count in totals.items() if key != target}
        # On the right key but sealed before padding: its length may still say what it is.
        unpadded = totals_by_key(unpadded_counts()).get(target, 0)
        if unpadded:
            left[f"on ‘{target}’ sealed before padding"] = unpadded
        return left

    # --- check -------------------------------------------------------------------------------
    def check_keys(self):
        ring = keyring()
        counts = key_counts()
        self.report_keys(counts)
        recorded = recorded_key_id(fresh=True)
        problems = []
        if recorded is not None and recorded not in ring:
            problems.append(
                f"new values are sealed with ‘{recorded}’, which FIELD_ENCRYPTION_KEYS lacks: "
                "this server refuses to save encrypted values"
            )
        for key, count in sorted(totals_by_key(counts).items()):
            if key not in ring:
                problems.append(
                    f"{count} values are on ‘{key}’, which FIELD_ENCRYPTION_KEYS lacks: this "
                    "server cannot open them"
                )
        if problems:
            raise CommandError("; ".join(problems) + ".")
        self.stdout.write(self.style.SUCCESS("Every value opens with a key in this ring."))

    def report_keys(self, counts):
        ring = keyring()
        recorded = recorded_key_id(fresh=True)
        self.stdout.write(
            f"New values are sealed with: ‘{recorded or ring.newest}’. "
            f"This server's ring: {', '.join(ring.order)}."
        )
        for column, per_key in counts.items():
            if per_key:
                listed = ", ".join(f"{key} {count}" for key, count in sorted(per_key.items()))
                self.stdout.write(f"  {column}: {listed}")
        totals = totals_by_key(counts)
        for key in sorted(set(totals) | set(ring.order)):
            note = "" if key in ring else " (NOT in this server's ring)"
            self.stdout.write(f"Values on ‘{key}’: {totals.get(key, 0)}{note}")
        self.report_unpadded()

    def report_unpadded(self):
        """Values sealed before padding existed: a copy of the database can tell some of them
        apart by their length (an allegation from a low-level concern) until they are re-sealed."""
        counts = unpadded_counts()
        total = sum(totals_by_key(counts).values())
        if not total:
            self.stdout.write("Values sealed before padding: 0.")
            return
        for column, per_key in counts.items():
            if per_key:
                self.stdout.write(f"  {column}: {sum(per_key.values())} sealed before padding")
        self.stdout.write(
            self.style.WARNING(
                f"Values sealed before padding: {total}. Their length can tell a copy of the "
                "database what some of them are: run rotate_keys (the same ring will do) to "
                "re-seal them padded."
            )
        )

    # --- retire ------------------------------------------------------------------------------
    def retire(self, key_id):
        recorded = recorded_key_id(fresh=True)
        if key_id == recorded or (recorded is None and key_id == keyring().newest):
            raise CommandError(
                f"‘{key_id}’ is the key new values are sealed with: rotate to a new key first."
            )
        remaining = totals_by_key(key_counts()).get(key_id, 0)
        if remaining:
            raise CommandError(
                f"{remaining} values are still on ‘{key_id}’: keep it in FIELD_ENCRYPTION_KEYS "
                "and run rotate_keys (see rotate_keys --check for where they are)."
            )
        self.stdout.write(
            self.style.SUCCESS(
                f"No value is on ‘{key_id}’. Remove ‘{key_id}:…’ from FIELD_ENCRYPTION_KEYS on "
                "every server, then restart them."
            )
        )
