"""`governor audit verify|tail`: read and verify the audit trail on governance.audit."""

from __future__ import annotations

import argparse
import json

from engine.audit import key as audit_key
from engine.audit import verify
from engine.cli.common import EXIT_OK, EXIT_VERDICT, InputError, Subparsers, existing_file, on_stack
from engine.settings import Settings


def _verify(args: argparse.Namespace, settings: Settings) -> int:
    try:
        key = audit_key.load(settings.keys_path)
    except (audit_key.AuditKeyError, ValueError) as exc:
        raise InputError(f"audit verify: the audit key is unusable: {exc}") from exc
    if key is None:
        print(f"WARNING no audit key under {settings.keys_path}: hashes and links checked, MACs not")
    if args.file:
        try:
            report = verify.verify(verify.read_file(args.file), key)
        except (ValueError, UnicodeDecodeError) as exc:
            raise InputError(f"{args.file}: not a JSONL export of audit records ({exc})") from exc
    else:
        report = verify.verify(verify.read_topic(on_stack(settings, "auditor")), key)
    for problem in report.problems:
        print(f"BROKEN {problem}")
    print(f"{report.records} record(s) in {report.chains} chain(s): {'intact' if report.ok else 'TAMPERED'}")
    return EXIT_OK if report.ok else EXIT_VERDICT


def _tail(args: argparse.Namespace, settings: Settings) -> int:
    shown = 0
    for located in verify.read_topic(on_stack(settings, "auditor"), follow=args.follow):
        r = located.record
        if args.trace and r["subject"]["trace_id"] != args.trace:
            continue
        if args.outcome and r["outcome"] != args.outcome:
            continue
        if args.reason and not any(code.startswith(args.reason) for code in r["reasons"]):
            continue
        if args.json:
            print(json.dumps(r))
        else:
            reasons, trace = ",".join(r["reasons"]) or "-", r["subject"]["trace_id"]
            print(f"{r['decided_at']} {r['gate']:9} {r['outcome']:8} {reasons:40} trace={trace}")
        shown += 1
        if args.limit and shown >= args.limit:
            break
    return EXIT_OK


def register(sub: Subparsers) -> None:
    audit = sub.add_parser("audit", help="the audit trail on governance.audit").add_subparsers(
        dest="action", required=True, metavar="ACTION"
    )
    check = audit.add_parser("verify", help="check every hash chain; exit 1 and say where it breaks")
    check.add_argument("--file", type=existing_file, help="verify a JSONL export instead of the topic")
    check.set_defaults(func=_verify)
    tail = audit.add_parser("tail", help="print decisions, optionally filtered")
    tail.add_argument("--trace", help="only this trace id")
    tail.add_argument("--outcome", choices=["approved", "rejected", "dlq"])
    tail.add_argument("--reason", help="only decisions with a reason code starting with this (e.g. sql.)")
    tail.add_argument("--follow", "-f", action="store_true", help="keep waiting for new records")
    tail.add_argument("--limit", type=int, default=0, help="stop after this many records")
    tail.add_argument("--json", action="store_true", help="print whole records as JSON lines")
    tail.set_defaults(func=_tail)
