# Flags for the kernel library. The shipped library runs on any x86-64 CPU: no -march by default;
# hot loops carry NNK_CLONES, which makes GCC emit AVX-512, AVX2 and baseline versions and pick one
# at load time (ifunc). No -ffast-math: it changes results (erf-based GELU, NaN handling). And
# -ffp-contract=off: a*b+c stays two roundings unless a kernel asks for fmaf, so every clone computes
# the documented order of operations (the optimizers are bit-identical to the Java reference);
# native/CMakeLists.txt lets the transcendental kernels contract.
set(NNK_MARCH "" CACHE STRING "optional -march for a machine-specific build (the jar is then not portable)")
option(NNK_TARGET_CLONES "emit AVX-512/AVX2/baseline clones of the hot kernels" ON)

function(nnk_apply_flags target)
  target_compile_options(${target} PRIVATE -O3 -ffp-contract=off -fno-math-errno -fno-trapping-math -Wall -Wextra)
  if(NNK_MARCH)
    target_compile_options(${target} PRIVATE -march=${NNK_MARCH})
  endif()
  if(NNK_TARGET_CLONES AND CMAKE_SYSTEM_PROCESSOR MATCHES "x86_64|AMD64")
    target_compile_definitions(${target} PRIVATE "NNK_CLONES=__attribute__((target_clones(\"arch=x86-64-v4\",\"arch=x86-64-v3\",\"default\")))")
  else()
    target_compile_definitions(${target} PRIVATE "NNK_CLONES=")
  endif()
endfunction()
