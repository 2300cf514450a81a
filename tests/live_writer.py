"""A live session fed real frames forever (in form 1.5 s, out of form 1.5 s, repeated), writing
to the history as the page does; the durability test kills it with SIGKILL.

    python tests/live_writer.py DB POSEDATA
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from realdata import SPHINX, STANDING, letterbox  # noqa: E402

from poseguide import live as lv  # noqa: E402
from poseguide.history import History  # noqa: E402
from poseguide.templates import load_library  # noqa: E402


def main() -> None:
    db, posedata = Path(sys.argv[1]), Path(sys.argv[2])
    library = load_library()
    frames = [letterbox(posedata / SPHINX), letterbox(posedata / STANDING)]
    history = History(db)
    session = lv.LiveSession(lv.single("sphinx"), library, lv.HistoryRecorder(history),
                             setup=False)
    t = 0.0
    print("ready", flush=True)
    while True:
        frame = frames[int(t / 1.5) % 2]
        session.process(frame.copy(), t, now=t)
        t += 1 / 15


if __name__ == "__main__":
    main()
