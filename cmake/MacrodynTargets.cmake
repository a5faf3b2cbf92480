# Helpers that turn source folders into libraries, so that adding a file or a simulator folder
# needs no CMake edit.

# macrodyn_area_library(<name> DIRS <dir>... DEPS <target>...) -> static library macrodyn_<name>
function(macrodyn_area_library name)
  cmake_parse_arguments(ARG "" "" "DIRS;DEPS" ${ARGN})
  set(sources "")
  foreach(dir IN LISTS ARG_DIRS)
    file(GLOB dir_sources CONFIGURE_DEPENDS ${PROJECT_SOURCE_DIR}/${dir}/*.cpp)
    list(APPEND sources ${dir_sources})
  endforeach()
  if(sources)
    add_library(macrodyn_${name} STATIC ${sources})
    target_link_libraries(macrodyn_${name} PUBLIC ${ARG_DEPS} PRIVATE macrodyn_warnings)
  else()
    add_library(macrodyn_${name} INTERFACE)
    target_link_libraries(macrodyn_${name} INTERFACE ${ARG_DEPS})
  endif()
endfunction()

# macrodyn_folder_libraries(<prefix> <root> DEPS ...) -> macrodyn_<prefix>_<sub> for every <root>/<sub>/,
# and the list MACRODYN_<PREFIX>_LIBRARIES in the caller's scope. A folder <root>/common/ (code shared
# by the others) is built first and every other folder links it. A missing <root> gives no libraries.
function(macrodyn_folder_libraries prefix root)
  cmake_parse_arguments(ARG "" "" "DEPS" ${ARGN})
  file(GLOB children LIST_DIRECTORIES true CONFIGURE_DEPENDS ${PROJECT_SOURCE_DIR}/${root}/*)
  set(libs "")
  set(deps ${ARG_DEPS})
  if(IS_DIRECTORY ${PROJECT_SOURCE_DIR}/${root}/common)
    macrodyn_area_library(${prefix}_common DIRS ${root}/common DEPS ${ARG_DEPS})
    list(APPEND libs macrodyn_${prefix}_common)
    list(APPEND deps macrodyn_${prefix}_common)
  endif()
  foreach(child IN LISTS children)
    get_filename_component(sub ${child} NAME)
    if(IS_DIRECTORY ${child} AND NOT sub STREQUAL "common")
      macrodyn_area_library(${prefix}_${sub} DIRS ${root}/${sub} DEPS ${deps})
      list(APPEND libs macrodyn_${prefix}_${sub})
    endif()
  endforeach()
  string(TOUPPER ${prefix} upper)
  set(MACRODYN_${upper}_LIBRARIES ${libs} PARENT_SCOPE)
endfunction()
