"""A live session fed real frames forever (in form 1.5 s, out of form 1.5 s, repeated), writing
to the history as the page does; the durability test kills it with SIGKILL.

    python tests/live_writer.py DB POSEDATA
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from realdata import SPHINX, STANDING, letterbox  # noqa: E402

from poseguide.core.templates import load_library  # noqa: E402
from poseguide.history import History  # noqa: E402
from poseguide.live import recorder as lv_recorder  # noqa: E402
from poseguide.live import routine as lv_routine
from poseguide.live import session as lv_session


def main() -> None:
    db, posedata = Path(sys.argv[1]), Path(sys.argv[2])
    library = load_library()
    frames = [letterbox(posedata / SPHINX), letterbox(posedata / STANDING)]
    history = History(db)
    recorder = lv_recorder.HistoryRecorder(history)
    session = lv_session.LiveSession(
        lv_routine.single("sphinx"), library, recorder=recorder, setup=False
    )
    t = 0.0
    print("ready", flush=True)
    while True:
        frame = frames[int(t / 1.5) % 2]
        session.process(frame.copy(), t, now=t)
        t += 1 / 15


if __name__ == "__main__":
    main()
