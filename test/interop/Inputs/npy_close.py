"""npy_close.py GOT.npy WANT.npy TOLERANCE: GOT is float32, has WANT's shape
and is within TOLERANCE of it everywhere; prints the difference, exits 1
otherwise."""
import sys

import numpy as np

got, want, tolerance = np.load(sys.argv[1]), np.load(sys.argv[2]), float(sys.argv[3])
if got.dtype != np.float32 or got.shape != want.shape:
    sys.exit(f"{sys.argv[1]}: {got.dtype} {got.shape}, expected float32 {want.shape}")
diff = float(np.max(np.abs(got.astype(np.float64) - want)))
print(f"{sys.argv[1]}: max abs diff {diff:.3g} ({'within' if diff <= tolerance else 'beyond'} {tolerance})")
sys.exit(0 if diff <= tolerance else 1)
