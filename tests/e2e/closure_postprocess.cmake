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

# Figure 4's bookkeeping: two tiny Lennard-Jones runs (boxes 5 and 6: 100 and 173 atoms), then
# closure_figures.py at a tolerance every first point meets, so each curve's "needed" value is its
# smallest data size exactly: configurations x atoms for L_z (22 x N), x partial atoms for L_x,p (44 x 4);
# the curves file has one point per size and loss.
file(READ ${MACRODYN_E2E_DIR}/decks/closure_force_study_tiny.toml force_study_deck)
set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS ${MACRODYN_E2E_DIR}/decks/closure_force_study_tiny.toml)
foreach(box 5 6)
  string(REPLACE "box = 5.0" "box = ${box}.0" deck "${force_study_deck}")
  string(REGEX REPLACE "\noutput_dir = \"[^\"]*\"" "\noutput_dir = \"${CLOSURE_PP_DIR}/force_study_box${box}\"" deck "${deck}")
  file(WRITE ${CMAKE_CURRENT_BINARY_DIR}/closure_force_study_box${box}.toml "${deck}")
  add_test(NAME e2e_closure_force_study_box${box}
           COMMAND ${MD} run ${CMAKE_CURRENT_BINARY_DIR}/closure_force_study_box${box}.toml
           WORKING_DIRECTORY ${CMAKE_CURRENT_BINARY_DIR})
endforeach()
add_test(NAME e2e_closure_postprocess_figure4
         COMMAND sh -c "rm -rf ${CLOSURE_PP_DIR}/figure4 && /usr/bin/python3 ${PROJECT_SOURCE_DIR}/postprocess/closure_figures.py ${CLOSURE_PP_DIR}/force_study_box5 ${CLOSURE_PP_DIR}/force_study_box6 --out ${CLOSURE_PP_DIR}/figure4 --e-tol 1e9 && test -s ${CLOSURE_PP_DIR}/figure4/figure4.png && grep -qx 'lj,100,L_z,2200' ${CLOSURE_PP_DIR}/figure4/figure4.csv && grep -qx 'lj,173,L_z,3806' ${CLOSURE_PP_DIR}/figure4/figure4.csv && grep -qx 'lj,100,L_xp,176' ${CLOSURE_PP_DIR}/figure4/figure4.csv && grep -qx 'lj,173,L_xp,176' ${CLOSURE_PP_DIR}/figure4/figure4.csv && test $(wc -l < ${CLOSURE_PP_DIR}/figure4/figure4_curves.csv) -eq 5"
         WORKING_DIRECTORY ${CMAKE_CURRENT_BINARY_DIR})
set_tests_properties(e2e_closure_postprocess_figure4 PROPERTIES
                     DEPENDS "e2e_closure_force_study_box5;e2e_closure_force_study_box6")
