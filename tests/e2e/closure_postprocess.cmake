# postprocess/closure_tables.py and closure_figures.py on a real (small) closure result: the predator-prey
# quick deck, run into its own directory, then the tables must hold its numbers: Table 2's row 1500
# (L_z, L_x on 1500 configurations; L_x,p with p = 1/5 on 7500) and Table 1's predator-prey row, and
# the figures must be written.
set(CLOSURE_PP_DIR e2e_runs/closure_postprocess)
if(NOT EXISTS ${PROJECT_SOURCE_DIR}/inputs/closure/predator_prey_quick.toml)
  message(WARNING "inputs/closure/predator_prey_quick.toml is missing: closure postprocess e2e tests skipped")
  return()
endif()
file(READ ${PROJECT_SOURCE_DIR}/inputs/closure/predator_prey_quick.toml closure_quick_deck)
string(REGEX REPLACE "\noutput_dir = \"[^\"]*\"" "" closure_quick_deck "${closure_quick_deck}")
string(REPLACE "[run]\n" "[run]\noutput_dir = \"${CLOSURE_PP_DIR}\"\n" closure_quick_deck "${closure_quick_deck}")
file(WRITE ${CMAKE_CURRENT_BINARY_DIR}/closure_postprocess_deck.toml "${closure_quick_deck}")
set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS ${PROJECT_SOURCE_DIR}/inputs/closure/predator_prey_quick.toml)

add_test(NAME e2e_closure_postprocess_run
         COMMAND ${MD} run ${CMAKE_CURRENT_BINARY_DIR}/closure_postprocess_deck.toml
         WORKING_DIRECTORY ${CMAKE_CURRENT_BINARY_DIR})
set(num "[0-9][0-9.e+-]*")
add_test(NAME e2e_closure_postprocess_tables
         COMMAND sh -c "rm -rf ${CLOSURE_PP_DIR}/tables && /usr/bin/python3 ${PROJECT_SOURCE_DIR}/postprocess/closure_tables.py ${CLOSURE_PP_DIR} --out ${CLOSURE_PP_DIR}/tables && grep -Eq '^1500,${num},${num},1,[^,]*,[^,]*,${num},${num},1,' ${CLOSURE_PP_DIR}/tables/table2.csv && grep -q 'L_xp_p0.2_mean' ${CLOSURE_PP_DIR}/tables/table2.csv && grep -Eq '^predator_prey,100,mlp,4,0.2,1500,${num},${num},1,${num},${num},1,0.00319,0.00134$' ${CLOSURE_PP_DIR}/tables/table1.csv && test $(wc -l < ${CLOSURE_PP_DIR}/tables/table3.csv) -eq 2"
         WORKING_DIRECTORY ${CMAKE_CURRENT_BINARY_DIR})
add_test(NAME e2e_closure_postprocess_figures
         COMMAND sh -c "rm -rf ${CLOSURE_PP_DIR}/figures && /usr/bin/python3 ${PROJECT_SOURCE_DIR}/postprocess/closure_figures.py ${CLOSURE_PP_DIR} --out ${CLOSURE_PP_DIR}/figures && test -s ${CLOSURE_PP_DIR}/figures/figure2.png && test -s ${CLOSURE_PP_DIR}/figures/trajectories.png && test $(wc -l < ${CLOSURE_PP_DIR}/figures/trajectories.csv) -gt 100"
         WORKING_DIRECTORY ${CMAKE_CURRENT_BINARY_DIR})
set_tests_properties(e2e_closure_postprocess_tables e2e_closure_postprocess_figures PROPERTIES
                     DEPENDS e2e_closure_postprocess_run)
