"""softmax_core: the exact, fast NumPy engine behind every page of the explainer.

Pure NumPy. It imports neither Streamlit nor Plotly, and reads nothing but its own bundled data.
Each submodule declares ``__all__``; this package re-exports them all, so adding a submodule is two
lines: one ``from .x import *`` and one ``*x.__all__`` in the list below.
"""
from . import calibration as _calibration
from . import calibration_study as _calibration_study
from . import datasets as _datasets
from . import decoding as _decoding
from . import losses as _losses
from . import mlp as _mlp
from . import parsing as _parsing
from . import relatives as _relatives
from . import sampling as _sampling
from . import softmax as _softmax
from . import training as _training
from . import uploads as _uploads
from .calibration import *  # noqa: F401,F403
from .calibration_study import *  # noqa: F401,F403
from .datasets import *  # noqa: F401,F403
from .decoding import *  # noqa: F401,F403
from .losses import *  # noqa: F401,F403
from .mlp import *  # noqa: F401,F403
from .parsing import *  # noqa: F401,F403
from .relatives import *  # noqa: F401,F403
from .sampling import *  # noqa: F401,F403
from .softmax import *  # noqa: F401,F403
from .training import *  # noqa: F401,F403
from .uploads import *  # noqa: F401,F403

__all__ = [*_softmax.__all__, *_losses.__all__, *_parsing.__all__, *_sampling.__all__, *_datasets.__all__, *_mlp.__all__,
           *_calibration.__all__, *_uploads.__all__, *_training.__all__,
           *_decoding.__all__, *_relatives.__all__, *_calibration_study.__all__]
