# OpenBLAS from the unpacked org.bytedeco:openblas jar (OPENBLAS_ROOT), as an imported target.
# The jar's own OpenBLASConfig.cmake points at files that do not exist, so we describe it here.
if(NOT OPENBLAS_ROOT)
  message(FATAL_ERROR "OPENBLAS_ROOT is not set: run the build through Maven (mvn package), which unpacks OpenBLAS first")
endif()
find_path(OPENBLAS_INCLUDE_DIR cblas.h PATHS "${OPENBLAS_ROOT}/include" NO_DEFAULT_PATH REQUIRED)
find_file(OPENBLAS_LIBRARY NAMES libopenblas.so.0 libopenblas.so PATHS "${OPENBLAS_ROOT}" NO_DEFAULT_PATH REQUIRED)
add_library(OpenBLAS::OpenBLAS SHARED IMPORTED)
set_target_properties(OpenBLAS::OpenBLAS PROPERTIES
  IMPORTED_LOCATION "${OPENBLAS_LIBRARY}"
  IMPORTED_SONAME "libopenblas.so.0"
  INTERFACE_INCLUDE_DIRECTORIES "${OPENBLAS_INCLUDE_DIR}")
# JavaCPP links -lopenblas_nolapack, but the jar ships only libopenblas.so.0: give it unversioned names.
set(OPENBLAS_LINK_DIR "${CMAKE_BINARY_DIR}/openblas-link")
file(MAKE_DIRECTORY "${OPENBLAS_LINK_DIR}")
foreach(_name libopenblas.so libopenblas_nolapack.so)
  file(CREATE_LINK "${OPENBLAS_LIBRARY}" "${OPENBLAS_LINK_DIR}/${_name}" SYMBOLIC)
endforeach()
