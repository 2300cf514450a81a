"""The ``poseguide`` command line: the core run headless on photos and videos.

Errors a person can fix (a bad template, a missing or unreadable file) are printed as one
line naming the problem, with exit status 2 and no traceback.
"""

from __future__ import annotations

import argparse
import atexit
import contextlib
import json
import math
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import NoReturn

from poseguide.cli import analyze_save
from poseguide.cli.history import add_history_parser
from poseguide.cli.output_files import (
    OutputError,
    OutputInterrupted,
    checked_output,
    replacing,
    write_bytes,
)
from poseguide.cli.picture import add_picture_parser
from poseguide.cli.report import add_report_parser
from poseguide.cli.serve import add_app_parser
from poseguide.cli.text import given, shown
from poseguide.core.templates import DEFAULT_DIR, Library, TemplateError, load_library, target_words
from poseguide.core.timer import EventKind
from poseguide.vision.media import FPS_RANGE, MediaError, opencv_name
from poseguide.vision.native_logs import hide_native_logs, native_logs_hidden


def _library(args: argparse.Namespace) -> Library:
    library = load_library(args.poses_dir)
    for error in library.errors:
        print(f"warning: skipped broken template: {shown(error)}", file=sys.stderr)
    return library


def cmd_poses(args: argparse.Namespace) -> int:
    library = _library(args)
    rows = []
    for t in sorted(library.templates.values(), key=lambda t: t.id):
        target = target_words(t, ranges=True)
        rows.append((t.id, t.name, t.view, target, "yes" if t.measured else "not yet"))
    if args.json:
        keys = ("id", "name", "view", "target", "measured_on_photos")
        print(json.dumps([dict(zip(keys, r, strict=True)) for r in rows], indent=2))
        return 0
    header = ("id", "name", "view", "target", "measured on photos")
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header))]
    for r in [header, *rows]:
        print("  ".join(str(c).ljust(w) for c, w in zip(r, widths, strict=True)).rstrip())
    return 0


def cmd_check(args: argparse.Namespace) -> int:
    from dataclasses import replace

    from poseguide.core.checker import check
    from poseguide.vision.crowd import CrowdWatch
    from poseguide.vision.detector import PoseDetector
    from poseguide.vision.media import load_photo

    library = _library(args)
    templates = [library[args.pose]] if args.pose else library.poses()
    if args.pose and templates[0].is_flow:
        flow = templates[0]
        raise TemplateError(
            f"{flow.id} is a flow of positions; a single photo has no verdict for it; "
            f"check {' or '.join(flow.phases)}"
        )
    rgb = load_photo(args.photo)
    with PoseDetector("photo", segmentation=True) as detector:
        frame = detector.detect_photo(rgb)
    crowd = CrowdWatch(every_s=0.0)
    if frame is not None and crowd.people_in(rgb, frame, 0.0, bgr=False) > 1:
        frame = replace(frame, people=2)
    crowd.close()
    verdicts = [check(frame, t) for t in templates]
    if args.json:
        print(
            json.dumps(
                {
                    "photo": str(args.photo),
                    "person": frame is not None,
                    "verdicts": [
                        {
                            "pose": v.template_id,
                            "status": v.status,
                            "side": v.side,
                            "correction": v.correction,
                            "checks": [
                                {
                                    "id": r.check.id,
                                    "value": round(r.value, 2),
                                    "low": r.check.low,
                                    "high": r.check.high,
                                    "ok": r.ok,
                                }
                                for r in v.results
                            ],
                        }
                        for v in verdicts
                    ],
                },
                indent=2,
            )
        )
        return 0
    if frame is None:
        print(f"{shown(args.photo)}: no person found")
        return 1
    if args.pose:
        v = verdicts[0]
        print(f"{templates[0].name} ({v.side or '?'} side facing the camera)")
        for r in v.results:
            mark = "ok " if r.ok else "OUT"
            rng = f"{r.check.low:g}..{r.check.high:g}"
            print(f"  {mark} {r.check.name:28s} {r.value:8.2f}   range {rng}")
        verdict = v.status.replace("_", " ")
        print(f"verdict: {verdict}" + (f" - {v.correction}" if v.correction else ""))
        return 0
    matches = [t.id for t, v in zip(templates, verdicts, strict=True) if v.in_range]
    print("matches: " + (", ".join(matches) if matches else "none of the templates"))
    return 0


def cmd_analyze(args: argparse.Namespace) -> int:
    from tqdm import tqdm

    from poseguide.core.range_of_motion import MotionRecorder
    from poseguide.offline.analysis import OUT_SUFFIXES, analyze_video

    library = _library(args)
    template = library[args.pose]

    def progress(frames, total):
        return tqdm(frames, total=total or None, unit="frame", disable=args.json, file=sys.stderr)

    warnings: list[str] = []

    def warn(message: str) -> None:
        warnings.append(message)
        print(f"warning: {shown(message)}", file=sys.stderr)

    motion = MotionRecorder(template, library)

    def run(out: Path | None):
        return analyze_video(
            args.video,
            template,
            library,
            out=out,
            fps=args.fps,
            progress=progress,
            warn=warn,
            motion=motion,
        )

    if args.out is None:
        summary = run(None)
    else:
        out = checked_output(args.out, OUT_SUFFIXES, [args.video])
        opencv_name(out.parent)  # OpenCV crashes on a folder name that is not UTF-8
        with replacing(out) as tmp:
            summary = run(tmp)
    if args.json:
        print(json.dumps(summary.as_dict() | {"warnings": warnings}, indent=2))
        return analyze_save.save(args, template, library, summary, motion) if args.save else 0
    print(f"{template.name}: {shown(args.video)}")
    if template.is_flow:  # a flow counts repetitions: its time in either position is no hold
        for i, at in enumerate(summary.rep_times, 1):
            print(f"  repetition {i}: at {at:7.2f} s")
    else:
        for i, s in enumerate(summary.segments, 1):
            print(f"  hold {i}: {s.start:7.2f} s -> {s.end:7.2f} s  ({s.seconds:.1f} s)")
        print(
            f"time in form: {summary.held:.1f} s   best hold: {summary.best_hold:.1f} s"
            + (f"   target {summary.target_s:g} s" if summary.target_s else "")
        )
    if template.is_flow or summary.target_reps > 1:
        print(f"repetitions: {summary.reps} (target {summary.target_reps})")
    print(f"target reached: {'yes' if summary.target_met else 'no'}")
    said_kinds = (EventKind.CUE, EventKind.BOUNCING, EventKind.TOO_FAST, EventKind.PACE_UNKNOWN)
    said = [e for e in summary.events if e.kind in said_kinds]
    if said:
        print("corrections:")
        for e in said:
            print(f"  {e.t:7.2f} s  {e.text}")
    if args.out:
        print(f"annotated video: {shown(args.out)}")
    return analyze_save.save(args, template, library, summary, motion) if args.save else 0


def cmd_eval(args: argparse.Namespace) -> int:
    from tqdm import tqdm

    from poseguide.offline.evaluation import (
        NEGATIVE,
        evaluate,
        labelled_photos,
        misses,
        photo_detector,
        read_sources,
        tally,
        tally_by_source,
        tally_held_out,
        video_detector,
    )

    if args.markdown and not args.test_source:
        print("poseguide: error: eval --markdown needs --test-source SOURCE", file=sys.stderr)
        return 2
    library = _library(args)
    root = Path(args.folder)
    if not labelled_photos(root):
        raise MediaError(
            f"{root}: no photos to score; expected sub-folders named after "
            f"template ids or '{NEGATIVE}' holding photos"
        )
    if args.augment:
        return _eval_augmented(args, library, root)
    sources = read_sources(root)  # a broken manifest is refused before any work
    detect = video_detector() if args.as_video else photo_detector()
    unreadable: list[dict] = []

    def skip(path: Path, why: str) -> None:
        why = why.removeprefix(f"{path}: ")
        unreadable.append({"photo": f"{path.parent.name}/{path.name}", "why": why})

    results = evaluate(
        root,
        library,
        detect,
        progress=lambda it: tqdm(it, unit="photo", disable=args.json, file=sys.stderr),
        on_unreadable=skip,
    )
    if not any(r.label in library.templates or r.label == NEGATIVE for r in results):
        found = sorted({r.label for r in results})
        why = (
            f"the labels {found} are not template ids"
            if found
            else (
                f"all {len(unreadable)} files are unreadable, e.g. {unreadable[0]['photo']}: "
                f"{unreadable[0]['why']}"
            )
        )
        raise MediaError(
            f"{root}: no photos to score ({why}); expected sub-folders named "
            f"after template ids or '{NEGATIVE}' holding photos"
        )
    part = None if args.part == "all" else args.part
    report = tally(results, library, part)
    missed = misses(results, library, part) if args.misses else []
    by_source = tally_by_source(results, library, sources, part)
    held_out = (
        tally_held_out(results, library, sources, args.test_source) if args.test_source else {}
    )
    if args.gates:
        return _print_gates(args, results, library, sources)
    if args.markdown:
        from poseguide.offline.accuracy_table import markdown

        print(markdown(held_out, library))
        return 0
    if args.json:
        extra = (
            ({"misses": missed} if args.misses else {})
            | ({"sources": by_source} if sources else {})
            | ({"held_out": held_out} if held_out else {})
        )
        print(json.dumps(report | extra | {"unreadable": unreadable}, indent=2))
        return 0
    print(
        "found: a person was found; seen: and the joints its template needs were visible;\n"
        "right: its own template accepted it; wrong: another template accepted it\n"
    )
    print(f"{'label':16s} {'photos':>6s} {'found':>7s} {'seen':>7s} {'right':>7s} {'wrong':>7s}")
    for label, s in report["labels"].items():
        print(
            f"{shown(label):16s} {s['photos']:6d} {s['found']:7.0%} {s['seen']:7.0%} "
            f"{s['right']:7.0%} {s['wrong']:7.0%}"
        )
    print("\nconfusion (label: templates that accepted its photos)")
    for label, row in report["confusion"].items():
        print(f"  {shown(label):16s} " + ", ".join(f"{shown(k)} {v}" for k, v in row.items()))
    if sources:
        print("\nby source (manifest.csv: source_repo)")
        print(f"  {'label':16s} {'source':48s} {'photos':>6s} {'right':>7s} {'wrong':>7s}")
        for label, row in by_source.items():
            for source, s in row.items():
                print(
                    f"  {shown(label):16s} {shown(source):48s} {s['photos']:6d} {s['right']:7.0%} "
                    f"{s['wrong']:7.0%}"
                )
    if held_out:
        print(f"\nheld out: {shown(args.test_source)} against the other collections (tuned on)")
        heading = ("tuned: photos right wrong", "held out: photos right wrong")
        print(f"  {'label':20s} {heading[0]:>26s}  {heading[1]:>29s}")
        for label, sides in held_out.items():
            cells = [
                f"{s['photos']:6d} {s['right']:7.0%} {s['wrong']:7.0%}" if s else f"{'–':>22s}"
                for s in (sides.get("tuned"), sides.get("held_out"))
            ]
            print(f"  {shown(label):20s} {cells[0]:>26s}  {cells[1]:>29s}")
    if args.misses:
        print(f"\nmisses ({len(missed)})")
        for m in missed:
            also = f" accepted by {', '.join(m['accepted'])};" if m["accepted"] else ""
            print(f"  {shown(m['photo'])} [{m['part']}]{also} {m['why']}".rstrip(";"))
    if unreadable:
        print(f"\nunreadable files, left out of the figures ({len(unreadable)})")
        for u in unreadable:
            print(f"  {shown(u['photo'])}: {shown(u['why'])}")
    return 0


def _print_gates(
    args: argparse.Namespace, results: list, library: Library, sources: dict[str, str]
) -> int:
    """``eval --gates``: each gate's range against its photos' 5th and 95th percentiles."""
    from poseguide.offline.gate_spread import as_json, gate_spreads, markdown

    spreads = gate_spreads(results, library, sources, args.test_source)
    print(json.dumps(as_json(spreads), indent=2) if args.json else markdown(spreads, library))
    return 0


def _eval_augmented(args: argparse.Namespace, library: Library, root: Path) -> int:
    """``eval --augment``: right/wrong per label under each simulated camera change, as the
    detector reads the changed picture and with the original reading moved by the change;
    then the same under changes too small to see, the detector's own noise."""
    from tqdm import tqdm

    from poseguide.offline.camera_changes import CHANGES, SLIGHT_CHANGES
    from poseguide.offline.evaluation import evaluate_changes, robustness

    results = evaluate_changes(
        root,
        library,
        progress=lambda it: tqdm(it, unit="photo", disable=args.json, file=sys.stderr),
        on_unreadable=lambda path, why: print(f"skipped: {why}", file=sys.stderr),
    )
    detected = robustness(results.detected, library)
    shifted = robustness(results.moved, library)
    if args.json:
        print(json.dumps({"detected": detected, "moved": shifted}, indent=2))
        return 0
    for title, report, names in (
        (
            "Read again by the detector: right% / wrong% per label, as is and under each\n"
            "simulated camera change; (+/-) is the change in points against the photos as they are",
            detected,
            CHANGES,
        ),
        (
            "\nThe templates' own share: the landmarks read on each photo moved as the change\n"
            "moves the picture (no new reading), so only the measures' dependence on the camera\n"
            "is left; what the table above loses beyond this, the detector lost by misreading",
            shifted,
            CHANGES,
        ),
        (
            "\nThe detector's own noise: read again after changes too small to see. Points lost\n"
            "here are lost to any change, so no figure above can be trusted to finer than this",
            detected,
            SLIGHT_CHANGES,
        ),
        (
            "\nThe same slight changes with the landmarks moved: a template whose ranges pass\n"
            "its photos only just would lose points here",
            shifted,
            SLIGHT_CHANGES,
        ),
    ):
        _print_changes(title, report, ["as is", *names])
    return 0


def _print_changes(
    title: str, report: dict[str, dict[str, dict[str, float]]], names: list[str]
) -> None:
    print(title + "\n")
    print(f"{'label':14s} " + " ".join(f"{n:>15s}" for n in names))
    for label, row in report.items():
        cells = []
        for n in names:
            c = row[n]
            cell = f"{c['right']:.0%}/{c['wrong']:.0%}"
            if n != "as is":
                cell += f" ({c['right_change']:+.0f})"
            cells.append(f"{cell:>15s}")
        print(f"{shown(label):14s} " + " ".join(cells))


def cmd_bench(args: argparse.Namespace) -> int:
    import tempfile

    from poseguide.offline.bench import assembled_clip, run_bench, table

    library = _library(args)
    template = library[args.pose]
    with tempfile.TemporaryDirectory() as tmp:
        video = Path(args.video) if args.video else assembled_clip(Path(tmp), Path(args.posedata))
        report = run_bench(video, template, library, limit=args.frames, loops=args.loops)
    if args.video is None:
        report["video"] = f"clip assembled from {args.posedata}"
    print(json.dumps(report, indent=2) if args.json else table(report))
    return 0


def cmd_template_from_photo(args: argparse.Namespace) -> int:
    from poseguide.core.custom import best_base, centred, to_toml
    from poseguide.core.templates import template_from_text
    from poseguide.vision.detector import PoseDetector
    from poseguide.vision.media import load_photo

    library = _library(args)
    if not args.id.isidentifier():
        raise TemplateError(f"--id: expected a name of letters, digits and _, got {args.id!r}")
    given = Path(args.out) if args.out is not None else Path(args.poses_dir) / f"{args.id}.toml"
    out = checked_output(given, {".toml"}, [args.photo])
    if given.stem != args.id:
        raise TemplateError(f"{given}: a template's file name must be its id, {args.id}.toml")
    if out.exists() and not args.force:
        raise TemplateError(f"{out}: already exists; choose another --id or pass --force")
    base = library[args.base] if args.base else None
    if base is not None and base.is_flow:
        raise TemplateError(
            f"--base {base.id}: a flow has no ranges of its own; give one of "
            f"its poses ({', '.join(base.phases)}) as --base"
        )
    rgb = load_photo(args.photo)
    with PoseDetector("photo", segmentation=True) as detector:
        frame = detector.detect_photo(rgb)
    if frame is None:
        raise MediaError(f"{args.photo}: no person found in the photo")
    base = base or best_base(frame, library)
    template = centred(frame, base, args.id, args.tolerance)
    text = to_toml(template)
    template_from_text(text, out)  # what we write must load like any template
    write_bytes(out, text.encode("utf-8"))
    print(f"wrote {shown(out)} (based on {base.id}, +-{args.tolerance:g} deg)")
    for c in template.checks:
        print(f"  {c.name:28s} {c.low:8.2f} .. {c.high:8.2f}")
    return 0


class _Parser(argparse.ArgumentParser):
    """A mistyped argument is one line naming it and where to look, exit status 2."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: error: {shown(message)} (see {self.prog} --help)\n")


def number(low: float, high: float, whole: bool = False) -> Callable[[str], float]:
    """An argparse type: a finite number from ``low`` to ``high`` (nan, inf and a value out
    of range are refused before any work starts)."""
    what = f"a {'whole ' if whole else ''}number from {low:g} to {high:{'d' if whole else 'g'}}"

    def parse(text: str) -> float:
        try:
            value = int(text) if whole else float(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected {what}, got {text!r}") from None
        if not (math.isfinite(value) and low <= value <= high):
            raise argparse.ArgumentTypeError(f"expected {what}, got {text!r}")
        return value

    return parse


def frame_rate(text: str) -> float:
    """An argparse type for ``--fps``: 0 (every frame) or a rate in media.FPS_RANGE; 0.0001
    would keep one frame in three hours and time nothing."""
    low, high = FPS_RANGE
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if value == 0 or (math.isfinite(value) and low <= value <= high):
        return value
    raise argparse.ArgumentTypeError(
        f"expected 0 (every frame) or frames per second from {low:g} to {high:g}, got {text!r}"
    )


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="poseguide", description="Check stretching form and time honest holds, headless."
    )
    parser.add_argument(
        "--poses-dir",
        type=given,
        default=str(DEFAULT_DIR),
        help="folder of pose templates (default: the shipped reference_poses)",
    )
    parser.add_argument(
        "--verbose",
        action="store_true",
        help="also show the log lines of MediaPipe, TensorFlow Lite and OpenCV",
    )
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("poses", help="list the pose templates and their targets")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_poses)

    p = sub.add_parser("check", help="check the form in a photo")
    p.add_argument("photo", type=given)
    p.add_argument(
        "--pose", type=given, help="template id; without it, list the templates that match"
    )
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_check)

    p = sub.add_parser("analyze", help="time the holds in a video of one exercise")
    p.add_argument("video", type=given)
    p.add_argument("--pose", type=given, required=True, help="template id")
    p.add_argument("--out", help="write an annotated video here (.mp4, .mov, .m4v, .avi, .mkv)")
    p.add_argument(
        "--fps",
        type=frame_rate,
        default=15.0,
        help="frames per second to analyse (default 15; 0 = every frame)",
    )
    p.add_argument("--json", action="store_true")
    analyze_save.add_save_arguments(p)
    p.set_defaults(func=cmd_analyze)

    p = sub.add_parser("eval", help="accuracy of the templates on a folder of labelled photos")
    p.add_argument("folder", type=given)
    p.add_argument(
        "--part",
        choices=("all", "dev", "test"),
        default="all",
        help="score all photos, or only the tuning (dev) or held-out (test) part",
    )
    p.add_argument("--json", action="store_true")
    p.add_argument(
        "--as-video",
        action="store_true",
        help="feed each photo to the live path as webcam frames (640x480, tracking)",
    )
    p.add_argument(
        "--test-source",
        metavar="SOURCE",
        help="score the photos of this manifest source_repo apart from the others "
        "(the collection held out while the ranges were set on the rest)",
    )
    p.add_argument(
        "--misses",
        action="store_true",
        help="also list each photo scored as a miss and why its template refused it",
    )
    p.add_argument(
        "--markdown",
        action="store_true",
        help="instead of the report, docs/accuracy.md's table: each label on the collections "
        "tuned on and on the held-out one (needs --test-source)",
    )
    p.add_argument(
        "--gates",
        action="store_true",
        help="instead of the scores, each gate's range against the 5th and 95th percentile "
        "of its own pose's photos, per collection (tables in Markdown, or --json)",
    )
    p.add_argument(
        "--augment",
        action="store_true",
        help="run every photo again under simulated camera changes (rotated, "
        "mirrored, three-quarter, lower camera, half size, 320 px, heavy JPEG) "
        "and report right/wrong per label for each: as read again by the detector, and "
        "with each photo's landmarks moved by the change (the templates' own share); then "
        "under changes too small to see (1 degree, 1%% shift, JPEG q90): the detector's noise",
    )
    p.set_defaults(func=cmd_eval)

    p = sub.add_parser("template", help="make templates")
    tsub = p.add_subparsers(dest="template_command", required=True)
    p = tsub.add_parser("from-photo", help="a template centred on a photo of good form")
    p.add_argument("photo", type=given)
    p.add_argument("--id", required=True, help="id (and file name) of the new template")
    p.add_argument(
        "--tolerance",
        type=number(0.5, 45),
        default=15.0,
        help="half-width of each range in degrees, 0.5 to 45 (default 15)",
    )
    p.add_argument(
        "--base", type=given, help="template whose checks and cues to keep (default: best fit)"
    )
    p.add_argument("--out", help="file to write (default: POSES_DIR/ID.toml)")
    p.add_argument("--force", action="store_true", help="overwrite an existing file")
    p.set_defaults(func=cmd_template_from_photo)

    p = sub.add_parser("bench", help="per-stage milliseconds and frames/s of the pipeline")
    p.add_argument(
        "video", nargs="?", type=given, help="a video (default: a clip assembled from photos)"
    )
    p.add_argument("--pose", type=given, default="sphinx", help="template id (default sphinx)")
    p.add_argument(
        "--frames",
        type=number(1, 1_000_000, whole=True),
        default=300,
        help="frames per loop (default 300)",
    )
    p.add_argument(
        "--loops",
        type=number(1, 1000, whole=True),
        default=1,
        help="times through the clip (default 1)",
    )
    p.add_argument(
        "--posedata",
        default=str(DEFAULT_DIR.parent.parent / "shared" / "posedata"),
        help="folder of real photos used to assemble the default clip",
    )
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_bench)

    add_history_parser(sub)
    add_app_parser(sub)
    add_picture_parser(sub)
    add_report_parser(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run one command; ``argv`` None means this process is poseguide (the console script or
    ``python -m poseguide``), so native log lines are filtered until the process exits."""
    args = build_parser().parse_args(argv)
    with contextlib.suppress(AttributeError, ValueError):  # a file name that is not UTF-8
        sys.stdout.reconfigure(errors="backslashreplace")  # type: ignore[union-attr]
    if args.verbose or args.command == "app":  # app: Streamlit replaces this process
        return _run(args)
    os.environ.setdefault("GLOG_minloglevel", "2")
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    os.environ.setdefault("OPENCV_LOG_LEVEL", "ERROR")
    # FFmpeg's own lines ("Invalid mdhd time scale", "File ended prematurely"): read by
    # OpenCV when it first opens a video, so setting it here, after import, is in time.
    os.environ.setdefault("OPENCV_FFMPEG_LOGLEVEL", "-8")
    if argv is None:
        atexit.register(hide_native_logs(until_exit=True))
        return _run(args)
    with native_logs_hidden():
        return _run(args)


def _run(args: argparse.Namespace) -> int:
    try:
        return args.func(args)
    except (TemplateError, MediaError, OutputError) as exc:
        print(f"poseguide: error: {shown(exc)}", file=sys.stderr)
        return 2
    except OSError as exc:  # a file problem the checks above did not foresee: still one line
        where = f"{shown(exc.filename)}: " if exc.filename else ""
        print(f"poseguide: error: {where}{exc.strerror or exc}", file=sys.stderr)
        return 2
    except OutputInterrupted as exc:
        print(f"poseguide: {shown(exc)}", file=sys.stderr)
        return 130
    except KeyboardInterrupt:
        print("poseguide: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
