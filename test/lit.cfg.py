# -*- Python -*-
# lit configuration for cnnc: every test is a file whose RUN lines call the
# tools and FileCheck their output.

import os
import shutil

import lit.formats
from lit.llvm import llvm_config

config.name = "cnnc"
config.test_format = lit.formats.ShTest(not llvm_config.use_lit_shell)
config.suffixes = [".mlir", ".py", ".test"]
# Inputs/ holds fixtures that RUN lines name; they are not tests themselves.
config.excludes = ["Inputs", "CMakeLists.txt", "lit.cfg.py", "lit.site.cfg.py", "unit", "fuzz"]

config.test_source_root = os.path.dirname(__file__)
config.test_exec_root = os.path.join(config.cnnc_obj_root, "test")

config.substitutions.append(("%examples", os.path.join(config.cnnc_src_root, "examples")))
config.substitutions.append(("%cnnc_src", config.cnnc_src_root))
config.substitutions.append(("%cnnc_obj", config.cnnc_obj_root))
# The MNIST files scripts/fetch-mnist (or any cnnc train) put in the cache;
# training tests cut their subsets from them.
cache = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
config.substitutions.append(("%mnist", os.path.join(cache, "cnnc", "datasets", "mnist")))
# libcnnc_trainer.a, for linking AOT trainers.
config.substitutions.append(("%cnnc_lib", os.path.join(config.cnnc_obj_root, "lib")))
# Linking those archives in a sanitizer build needs the sanitizer runtimes.
config.substitutions.append(("%cnnc_link_flags", config.cnnc_sanitizer_link_flags))

# The interop tests (test/interop) compare cnnc with TF.js, which
# scripts/fetch-tfjs installs into the build tree, and write Keras .h5 files
# with Debian's python3-h5py (%python is lit's own interpreter, which may
# lack it).
tfjs_modules = os.path.join(config.cnnc_obj_root, "tfjs", "node_modules")
config.substitutions.append(
    ("%node", "env NODE_PATH=%s %s" % (tfjs_modules, shutil.which("node") or "node")))
config.substitutions.append(("%h5py_python", "/usr/bin/python3"))

# The MPI tests (REQUIRES: mpi) need cnnc built with MPI and an mpirun.
# %mpirun runs N ranks on however few cores there are, as root too (CI's
# containers), with no waiting for a rank that died.
if config.cnnc_mpi and shutil.which("mpirun"):
    config.available_features.add("mpi")
    config.substitutions.append(
        ("%mpirun", "env OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 "
         "OMPI_MCA_rmaps_base_oversubscribe=1 mpirun --oversubscribe --bind-to none"))
if not config.cnnc_mpi:
    config.available_features.add("no-mpi")

llvm_config.with_system_environment(["HOME", "TMPDIR", "XDG_CACHE_HOME"])
llvm_config.use_default_substitutions()
# vector.print's runtime, for the tests mlir-cpu-runner runs.
config.substitutions.append(("%mlir_c_runner_utils", os.path.join(
    os.path.dirname(config.llvm_tools_dir), "lib", "libmlir_c_runner_utils.so")))

tool_dirs = [config.cnnc_tools_dir, config.llvm_tools_dir]
llvm_config.add_tool_substitutions(["cnnc", "cnnc-opt"], tool_dirs)
# LLVM 19's, not whatever else PATH has first (/usr/bin/llc may be LLVM 14).
llvm_config.add_tool_substitutions(
    ["llc", "mlir-translate", "mlir-cpu-runner"], [config.llvm_tools_dir])
llvm_config.with_environment("PATH", config.llvm_tools_dir, append_path=True)

# bench/keras_torch.py's PyTorch peer (REQUIRES: torch) needs Debian's
# python3-torch, which bench/ installs on demand and the suite does not.
import subprocess
if subprocess.run(["/usr/bin/python3", "-c", "import torch"],
                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL).returncode == 0:
    config.available_features.add("torch")

# Tests that run bf16 code (--precision bf16) need AVX512-BF16 on this CPU,
# the ones that run vpdpbusd AVX512-VNNI;
# the ones that only compile it name their target CPU.
# Tests of an object's refusal of a CPU without an extension it was
# compiled for use one this CPU lacks.
try:
    with open("/proc/cpuinfo") as cpuinfo:
        cpu_flags = cpuinfo.read().split()
    if "avx512_bf16" in cpu_flags:
        config.available_features.add("avx512bf16")
    if "avx512_vnni" in cpu_flags:
        config.available_features.add("avx512vnni")
    if "avx512_vp2intersect" not in cpu_flags:
        config.available_features.add("cpu-lacks-avx512vp2intersect")
except OSError:
    pass
