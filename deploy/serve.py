"""Start one replica warm: run every page once in this process, then serve.

``python -m deploy.serve app.py [streamlit options]`` is ``streamlit run app.py [options]`` with a warm-up
first. The port opens only after the warm-up, so a health check (HAProxy's, or Kubernetes' readiness
probe on ``/_stcore/health``) says "ready" only when the first student will not pay for imports, the bundled
data and the shared caches (``st.cache_resource``/``st.cache_data`` live in the process, so the real server
finds them filled). Set ``SOFTMAX_WARMUP=0`` to skip it.
"""

import os
import sys
import time
from pathlib import Path


def warm_up(script: Path) -> list[str]:
    """Run each page of the app once, headless, with its default link; return what went wrong."""
    from streamlit.testing.v1 import AppTest

    from ui.nav import PAGES

    problems = []
    for entry in PAGES:
        at = AppTest.from_file(str(script), default_timeout=120)
        at.run()
        if entry.key != "home":
            at.switch_page(entry.file).run()
        if at.exception:
            problems.append(f"{entry.key}: {at.exception[0].message}")
    return problems


def main(argv: list[str]) -> None:
    script = Path(argv[0] if argv else "app.py").resolve()
    sys.path.insert(0, str(script.parent))
    if os.environ.get("SOFTMAX_WARMUP", "1") != "0":
        start = time.perf_counter()
        problems = warm_up(script)
        print(f"warm-up: {len(problems)} problem(s) in {time.perf_counter() - start:.1f} s", *problems,
              sep="\n  ", flush=True)
    from streamlit.web import cli

    sys.argv = ["streamlit", "run", str(script), *argv[1:]]
    cli.main()


if __name__ == "__main__":
    main(sys.argv[1:])
