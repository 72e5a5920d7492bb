"""A durable record of every human decision: one JSON line each, on disk before the agent acts.

    log = AuditLog("audit.jsonl")
    log.record(agent="user_proxy", prompt="Run rm -rf build?", response="approve", decision="approved",
               risk="high", reasons=["deletes files: rm -rf build"])
    read_audit_log("audit.jsonl")        # -> [{"timestamp": "...", "agent": "user_proxy", ...}]
    print(summarize_audit_log("audit.jsonl"))

Why each line is flushed and ``fsync``-ed before :meth:`AuditLog.record` returns: the caller acts
on the decision only after ``record`` returns, so whatever the agent did, its reason is already on
disk. A killed process (``SIGKILL``) loses nothing that was acted on, since the data left the
process with ``os.write``; ``fsync`` extends that to an operating-system crash or power loss.

A crash in the middle of ``os.write`` can leave a torn last line: a record that was never
acknowledged (``record`` had not returned). The reader reports it (:class:`TornAuditLogError`), never
drops it silently. A writer checks for one under the log's exclusive lock before *every* append, not
only when it opens the log (another process may have been killed mid-write since): it moves the
fragment to ``PATH.torn`` with a :class:`TornAuditLogWarning` and appends on a fresh line, so an
acknowledged record is never glued onto a fragment and a killed chat can always be resumed.
:func:`set_aside_torn_tail` does the same on demand.
"""

from __future__ import annotations

import json
import os
import threading
import warnings
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Dict, Iterator, List, Mapping, Optional, Sequence, Tuple, Union

from ..errors import AuditLogError, CorruptAuditLogError, TornAuditLogError, TornAuditLogWarning
from .vocabulary import DECISIONS

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows: single-process use only
    fcntl = None  # type: ignore[assignment]

__all__ = [
    "AuditLog",
    "AuditSummary",
    "read_audit_log",
    "summarize_audit_log",
    "summarize_records",
    "set_aside_torn_tail",
    "open_audit_log",
]

_REQUIRED = ("timestamp", "agent", "prompt", "response", "decision")
_RISKS = ("low", "high")
PathLike = Union[str, "os.PathLike[str]"]


def _utc_now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="microseconds")


def _check_text(name: str, value: Any, *, optional: bool = False) -> None:
    if value is None and optional:
        return
    if not isinstance(value, str):
        kind = "a str or None" if optional else "a str"
        raise AuditLogError(f"AuditLog.record: {name} must be {kind}, got {type(value).__name__}: {value!r}")


def _risk_fields(risk: Any, reasons: Optional[Sequence[str]]) -> Dict[str, Any]:
    """``risk`` may be "low"/"high" or a RiskAssessment (its level and reasons are used)."""
    if risk is None:
        if reasons is not None:
            raise AuditLogError(
                "AuditLog.record: reasons were given without a risk level; pass risk='low' or "
                "'high' (or the RiskAssessment) together with its reasons"
            )
        return {}
    if hasattr(risk, "level") and hasattr(risk, "reasons"):
        reasons = list(risk.reasons) if reasons is None else reasons
        risk = risk.level
    if risk not in _RISKS:
        raise AuditLogError(f"AuditLog.record: risk must be 'low', 'high' or None, got {risk!r}")
    reasons = [] if reasons is None else reasons
    if isinstance(reasons, str) or not all(isinstance(r, str) for r in reasons):
        raise AuditLogError(f"AuditLog.record: reasons must be a list of str, got {reasons!r}")
    return {"risk": risk, "reasons": list(reasons)}


class AuditLog:
    """Append-only JSON-lines log of human decisions at ``path`` (created with its folder).

    Safe to share between threads and processes: each line is one ``O_APPEND`` write made under an
    advisory lock that readers share, so lines never interleave and a reader never sees half a
    line that is still being written. Use it as a context manager or call
    :meth:`close`; an unclosed log is closed when collected.
    """

    def __init__(self, path: PathLike) -> None:
        self.path = Path(path)
        if self.path.is_dir():
            raise AuditLogError(
                f"audit log path {self.path} is a directory: give a file path such as {self.path / 'audit.jsonl'}"
            )
        self.path.parent.mkdir(parents=True, exist_ok=True)
        existed = self.path.exists()
        # 0600: the prompts and answers are private; O_RDWR: the tail is read before each append.
        self._fd: Optional[int] = os.open(self.path, os.O_RDWR | os.O_APPEND | os.O_CREAT, 0o600)
        try:
            with _locked(self._fd, exclusive=True):  # another process may be mid-write
                _mend_tail(self._fd, self.path)
        except BaseException:
            os.close(self._fd)
            self._fd = None
            raise
        if not existed:
            _fsync_dir(self.path.parent)  # the new file's name survives a crash too
        self._lock = threading.Lock()
        self.written = 0

    def record(
        self,
        *,
        agent: str,
        prompt: str,
        response: Optional[str],
        decision: str,
        risk: Any = None,
        reasons: Optional[Sequence[str]] = None,
        note: Optional[str] = None,
        extra: Optional[Mapping[str, Any]] = None,
    ) -> Dict[str, Any]:
        """Write one decision and return the record. It is on disk when this returns.

        ``decision`` is one of :data:`~hitl_modes.approvals.vocabulary.DECISIONS`. ``response`` is
        what the human typed (``None`` when nobody answered). ``risk``/``reasons`` are given where a
        policy decided. ``note`` explains a default ("no answer: denied"); ``extra`` adds
        JSON-serialisable fields.
        """
        if decision not in DECISIONS:
            raise AuditLogError(f"AuditLog.record: unknown decision {decision!r}; use one of {', '.join(DECISIONS)}")
        _check_text("agent", agent)
        if not agent:
            raise AuditLogError("AuditLog.record: agent must name the agent that asked (a non-empty str)")
        _check_text("prompt", prompt)
        _check_text("response", response, optional=True)
        _check_text("note", note, optional=True)
        entry: Dict[str, Any] = {
            "timestamp": _utc_now(),
            "agent": agent,
            "decision": decision,
            "prompt": prompt,
            "response": response,
        }
        entry.update(_risk_fields(risk, reasons))
        if note is not None:
            entry["note"] = note
        for key, value in (extra or {}).items():
            if key in entry or key in ("risk", "reasons", "note"):
                raise AuditLogError(f"AuditLog.record: extra field {key!r} would overwrite a standard field")
            entry[key] = value
        try:
            line = json.dumps(entry, ensure_ascii=False) + "\n"
        except (TypeError, ValueError) as e:
            raise AuditLogError(
                f"AuditLog.record: the record is not JSON-serialisable ({e}); pass plain "
                "str/number/list/dict values in extra"
            ) from e
        data = line.encode("utf-8")
        with self._lock:
            if self._fd is None:
                raise AuditLogError(f"AuditLog {self.path} is closed; open a new AuditLog to record more")
            with _locked(self._fd, exclusive=True):  # whole lines, even with writers in other processes
                _mend_tail(self._fd, self.path)  # a writer killed since may have left a fragment
                view = memoryview(data)
                while view:
                    written = os.write(self._fd, view)
                    view = view[written:]
                os.fsync(self._fd)
            self.written += 1
        return entry

    def records(self) -> List[Dict[str, Any]]:
        """Everything in the log so far (see :func:`read_audit_log`)."""
        return read_audit_log(self.path)

    def close(self) -> None:
        with self._lock:
            if self._fd is not None:
                os.close(self._fd)
                self._fd = None

    def __enter__(self) -> AuditLog:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    def __del__(self) -> None:
        fd = getattr(self, "_fd", None)
        if fd is not None:
            try:
                os.close(fd)
            except Exception:  # at interpreter shutdown even `os` may be gone
                pass

    def __repr__(self) -> str:
        return f"AuditLog({str(self.path)!r}, written={self.written})"


def open_audit_log(audit_log: Union[None, PathLike, AuditLog]) -> Optional[AuditLog]:
    """Accept a path or an :class:`AuditLog` (or None), as every ``audit_log=`` argument does."""
    if audit_log is None or isinstance(audit_log, AuditLog):
        return audit_log
    if isinstance(audit_log, (str, os.PathLike)):
        return AuditLog(audit_log)
    raise TypeError(f"audit_log must be a path or an AuditLog, got {type(audit_log).__name__}: {audit_log!r}")


@contextmanager
def _locked(fd: int, *, exclusive: bool) -> Iterator[None]:
    """An advisory ``flock`` shared by every AuditLog writer and reader of the file. The kernel
    drops it when a process dies, so a crash never leaves the log locked. (No-op without fcntl.)"""
    if fcntl is None:
        yield
        return
    fcntl.flock(fd, fcntl.LOCK_EX if exclusive else fcntl.LOCK_SH)
    try:
        yield
    finally:
        fcntl.flock(fd, fcntl.LOCK_UN)


def _fsync_dir(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:  # some platforms cannot open a directory; the file itself is still fsynced
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _tail(fd: int) -> Tuple[int, bytes]:
    """Where the last line starts, and its bytes (empty when the file ends with a newline)."""
    size = os.fstat(fd).st_size
    end, block = size, 65536
    while end > 0:
        start = max(0, end - block)
        chunk = os.pread(fd, end - start, start)
        newline = chunk.rfind(b"\n")
        if newline >= 0:
            keep = start + newline + 1
            return keep, os.pread(fd, size - keep, keep) if keep < size else b""
        end = start
    return 0, os.pread(fd, size, 0)


def _mend_tail(fd: int, path: Path) -> Optional[str]:
    """The caller holds the log's exclusive lock on ``fd`` (open for reading). A last line without its
    newline gets one when it is a whole record (edited by hand); a fragment a killed writer left is
    moved to ``PATH.torn`` (appended, fsynced) and cut from the log, with a warning. Returns the
    fragment, or None."""
    keep, tail = _tail(fd)
    if not tail:
        return None
    try:
        _parse_line(str(path), 0, tail.decode("utf-8"))
    except (CorruptAuditLogError, UnicodeDecodeError):
        pass
    else:
        os.write(fd, b"\n")
        os.fsync(fd)
        return None
    side = path.with_name(path.name + ".torn")
    side_fd = os.open(side, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    try:
        os.write(side_fd, tail + b"\n")
        os.fsync(side_fd)
    finally:
        os.close(side_fd)
    os.ftruncate(fd, keep)
    os.fsync(fd)
    fragment = tail.decode("utf-8", errors="replace")
    warnings.warn(
        f"audit log {path}: a writer was killed mid-write and left {len(tail)} bytes of an unacknowledged "
        f"record; they were moved to {side} and the log goes on: {fragment[:80]!r}",
        TornAuditLogWarning,
        stacklevel=3,
    )
    return fragment


# -- reading -----------------------------------------------------------------------------------
def _parse_line(path: str, number: int, line: str) -> Dict[str, Any]:
    try:
        entry = json.loads(line)
    except json.JSONDecodeError as e:
        raise CorruptAuditLogError(path, number, f"not valid JSON ({e.msg} at column {e.colno})", line) from None
    if not isinstance(entry, dict):
        raise CorruptAuditLogError(path, number, f"a record must be a JSON object, got {type(entry).__name__}", line)
    missing = [k for k in _REQUIRED if k not in entry]
    if missing:
        raise CorruptAuditLogError(path, number, f"missing field(s) {', '.join(missing)}", line)
    if entry["decision"] not in DECISIONS:
        raise CorruptAuditLogError(
            path, number, f"unknown decision {entry['decision']!r} (expected one of {', '.join(DECISIONS)})", line
        )
    try:
        datetime.fromisoformat(str(entry["timestamp"]))
    except ValueError:
        raise CorruptAuditLogError(path, number, f"timestamp {entry['timestamp']!r} is not ISO 8601", line) from None
    return entry


def read_audit_log(path: PathLike, *, allow_torn_tail: bool = False) -> List[Dict[str, Any]]:
    """Every record in the log, oldest first.

    Raises :class:`CorruptAuditLogError` naming the line for a bad line, and
    :class:`TornAuditLogError` for a last line cut off by a crash; with ``allow_torn_tail=True``
    that fragment is skipped with a :class:`TornAuditLogWarning` instead.
    """
    name = str(path)
    try:
        with open(path, "rb") as f, _locked(f.fileno(), exclusive=False):  # never half a line being written
            raw = f.read()
    except FileNotFoundError:
        raise FileNotFoundError(
            f"no audit log at {name}: record decisions with AuditLog({name!r}) first, or pass "
            "the path the lesson printed (--audit-log PATH)"
        ) from None
    except IsADirectoryError:
        raise AuditLogError(f"audit log path {name} is a directory, not a file") from None
    return _records(name, raw, allow_torn_tail=allow_torn_tail)


def _records(name: str, raw: bytes, *, allow_torn_tail: bool) -> List[Dict[str, Any]]:
    records: List[Dict[str, Any]] = []
    pieces = raw.split(b"\n")
    complete, tail = pieces[:-1], pieces[-1]
    for number, chunk in enumerate(complete, 1):
        try:
            line = chunk.decode("utf-8")
        except UnicodeDecodeError as e:
            raise CorruptAuditLogError(name, number, f"not UTF-8 ({e.reason})", repr(chunk)) from None
        if line.strip():
            records.append(_parse_line(name, number, line))
    if tail.strip():
        number = len(complete) + 1
        text = tail.decode("utf-8", errors="replace")
        try:
            records.append(_parse_line(name, number, tail.decode("utf-8")))
        except (CorruptAuditLogError, UnicodeDecodeError):
            if not allow_torn_tail:
                raise TornAuditLogError(name, number, text, records) from None
            warnings.warn(
                f"audit log {name}: skipped a torn last line (line {number}, {len(tail)} bytes) left by a "
                f"crash mid-write: {text[:80]!r}",
                TornAuditLogWarning,
                stacklevel=3,
            )
    return records


def set_aside_torn_tail(path: PathLike) -> Optional[str]:
    """Move a torn last line to ``PATH.torn`` (appended there) and cut it from the log, as a writer
    does before each append. Returns the fragment, or None when the log was not torn."""
    p = Path(path)
    fd = os.open(p, os.O_RDWR)
    try:
        with _locked(fd, exclusive=True), warnings.catch_warnings():
            warnings.simplefilter("ignore", TornAuditLogWarning)  # asked for: the return value says it
            return _mend_tail(fd, p)
    finally:
        os.close(fd)


# -- summarising -------------------------------------------------------------------------------
@dataclass
class AuditSummary:
    """Counts of a log's decisions by decision, agent and risk (``"none"`` where no policy decided)."""

    path: str
    total: int = 0
    by_decision: Dict[str, int] = field(default_factory=dict)
    by_agent: Dict[str, int] = field(default_factory=dict)
    by_risk: Dict[str, int] = field(default_factory=dict)
    first: Optional[str] = None
    last: Optional[str] = None
    torn_tail: Optional[str] = None

    def __str__(self) -> str:
        lines = [
            f"audit log {self.path}: {self.total} decision{'s' if self.total != 1 else ''}"
            + (f", {self.first} .. {self.last}" if self.first else "")
        ]
        for title, counts in (("decision", self.by_decision), ("agent", self.by_agent), ("risk", self.by_risk)):
            if counts:
                lines.append(f"  by {title}: " + ", ".join(f"{k} {v}" for k, v in counts.items()))
        if self.torn_tail is not None:
            lines.append(f"  WARNING: the last line is torn (a crash mid-write): {self.torn_tail[:60]!r}")
        return "\n".join(lines)


def summarize_records(records: Sequence[Mapping[str, Any]], path: str = "") -> AuditSummary:
    summary = AuditSummary(path)
    for r in records:
        summary.total += 1
        for counts, key in (
            (summary.by_decision, r["decision"]),
            (summary.by_agent, r["agent"]),
            (summary.by_risk, r.get("risk") or "none"),
        ):
            counts[key] = counts.get(key, 0) + 1
    if records:
        summary.first, summary.last = str(records[0]["timestamp"]), str(records[-1]["timestamp"])
    return summary


def summarize_audit_log(path: PathLike) -> AuditSummary:
    """Counts by decision, agent and risk. A torn last line is reported in ``torn_tail`` (and in
    the text), not counted; any other bad line raises :class:`CorruptAuditLogError`."""
    try:
        records = read_audit_log(path)
        torn = None
    except TornAuditLogError as e:
        records, torn = e.records, e.fragment
    summary = summarize_records(records, str(path))
    summary.torn_tail = torn
    return summary
