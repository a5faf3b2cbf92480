# Command-line behaviour of the macrodyn executable (bad decks, help, version, a whole run).
set(E2E ${MACRODYN_E2E_DIR}/expect.sh)
set(DECKS ${MACRODYN_E2E_DIR}/decks)
set(MD $<TARGET_FILE:macrodyn>)

function(macrodyn_e2e name want regex)
  add_test(NAME e2e_${name} COMMAND ${E2E} ${want} ${regex} ${ARGN} WORKING_DIRECTORY ${CMAKE_CURRENT_BINARY_DIR})
endfunction()

macrodyn_e2e(version ok "^macrodyn [0-9]+\\.[0-9]+\\.[0-9]+ \\(git " ${MD} --version)
macrodyn_e2e(help ok "macrodyn run DECK" ${MD} --help)
macrodyn_e2e(no_arguments fail "usage: macrodyn" ${MD})
macrodyn_e2e(unknown_command fail "unknown command 'frobnicate'" ${MD} frobnicate)
macrodyn_e2e(missing_deck fail "no_such_deck.toml: cannot open deck file" ${MD} check no_such_deck.toml)
macrodyn_e2e(malformed_deck fail "malformed.toml:5:[0-9]+: TOML syntax error" ${MD} check ${DECKS}/malformed.toml)
macrodyn_e2e(unknown_key fail "unknown_key.toml:8: unknown key 'stage\\[0\\].repeets'" ${MD} check ${DECKS}/unknown_key.toml)
macrodyn_e2e(wrong_type fail "wrong_type.toml:4: key 'stage\\[0\\].n': expected an integer, got a string" ${MD} check ${DECKS}/wrong_type.toml)
macrodyn_e2e(out_of_range fail "out_of_range.toml:5: key 'stage\\[0\\].ghost': value 0 is outside" ${MD} check ${DECKS}/out_of_range.toml)
macrodyn_e2e(unknown_stage fail "no simulate stage named 'navier_stokes'" ${MD} check ${DECKS}/unknown_stage.toml)
macrodyn_e2e(run_with_bad_deck_writes_nothing fail "unknown key" ${MD} run ${DECKS}/unknown_key.toml)
macrodyn_e2e(bench_unknown_option fail "unknown option '--nn'" ${MD} bench halo_exchange --nn 3)
macrodyn_e2e(bench_unknown_case fail "unknown case 'warp_drive'" ${MD} bench warp_drive)
macrodyn_e2e(bench_halo ok "bench halo_exchange exchanges_per_s [0-9.e+]+ 1/s" ${MD} bench halo_exchange --n 64 --repeats 5)
macrodyn_e2e(check_good ok "good.toml: OK \\(2 stages" ${MD} check ${DECKS}/good.toml)
# A whole run on 2 ranks: the timer report closes the log, and the run directory holds deck, log and timers.
add_test(NAME e2e_run_mpi
         COMMAND ${E2E} ok "timer report \\(2 ranks"
                 ${MACRODYN_MPIEXEC} ${MPIEXEC_NUMPROC_FLAG} 2 ${MD} run ${DECKS}/good.toml
         WORKING_DIRECTORY ${CMAKE_CURRENT_BINARY_DIR})
add_test(NAME e2e_run_outputs
         COMMAND sh -c "test -s e2e_runs/good/deck.toml && grep -q 'timer report' e2e_runs/good/macrodyn.log && h5ls e2e_runs/good/timers.h5/timers | grep -q mean_s && test ! -e runs/typo"
         WORKING_DIRECTORY ${CMAKE_CURRENT_BINARY_DIR})
set_tests_properties(e2e_run_outputs PROPERTIES DEPENDS e2e_run_mpi)
set_tests_properties(e2e_run_mpi PROPERTIES PROCESSORS 2)

# Every deck shipped in inputs/ must validate.
file(GLOB_RECURSE shipped_decks CONFIGURE_DEPENDS ${PROJECT_SOURCE_DIR}/inputs/*.toml)
foreach(deck IN LISTS shipped_decks)
  file(RELATIVE_PATH rel ${PROJECT_SOURCE_DIR}/inputs ${deck})
  string(REGEX REPLACE "[/.]" "_" tag ${rel})
  macrodyn_e2e(check_inputs_${tag} ok ": OK \\(" ${MD} check ${deck})
endforeach()
# The quickstart end to end on 2 ranks.
add_test(NAME e2e_quickstart
         COMMAND ${E2E} ok "closure predator_prey L_x,p mean_relative_error 0\\.00"
                 ${MACRODYN_MPIEXEC} ${MPIEXEC_NUMPROC_FLAG} 2 ${MD} run ${PROJECT_SOURCE_DIR}/inputs/quickstart.toml
         WORKING_DIRECTORY ${CMAKE_CURRENT_BINARY_DIR})
set_tests_properties(e2e_quickstart PROPERTIES PROCESSORS 2)
# A failure seen by every rank while running (a corrupt input file) prints exactly one error line.
file(WRITE ${CMAKE_CURRENT_BINARY_DIR}/e2e_corrupt_input.toml
"[run]\nname = \"corrupt_input\"\noutput_dir = \"e2e_runs/corrupt_input\"\n[[stage]]\nkind = \"simulate\"\nsystem = \"lj\"\n\
initial_file = \"${MACRODYN_E2E_DIR}/decks/not_hdf5.h5\"\ntrajectories = 1\nsteps = 2\n")
add_test(NAME e2e_one_error_line_from_all_ranks
         COMMAND sh -c "out=$(\"$0\" \"$@\" 2>&1); status=$?; echo \"$out\"; test $status -ne 0 && \
test $(echo \"$out\" | grep -c 'macrodyn: error') -eq 1 && echo \"$out\" | grep -q 'not_hdf5.h5: not a readable HDF5'"
                 ${MACRODYN_MPIEXEC} ${MPIEXEC_NUMPROC_FLAG} 2 ${MD} run e2e_corrupt_input.toml
         WORKING_DIRECTORY ${CMAKE_CURRENT_BINARY_DIR})
set_tests_properties(e2e_one_error_line_from_all_ranks PROPERTIES PROCESSORS 2)
# A run stopped by SIGTERM exits with status 75 (checkpoint written); the same deck run again finishes
# it (status 0) and removes the checkpoint.
file(WRITE ${CMAKE_CURRENT_BINARY_DIR}/e2e_stop_resume.toml
"[run]\nname = \"stop_resume\"\noutput_dir = \"e2e_runs/stop_resume\"\n[[stage]]\nkind = \"simulate\"\nsystem = \"lj\"\n\
trajectories = 200\nsteps = 250\nsave_every = 50\n")
add_test(NAME e2e_stop_exit_status_and_resume
         COMMAND sh -c "rm -rf e2e_runs/stop_resume; \"$0\" run e2e_stop_resume.toml & pid=$!; sleep 2; kill -TERM $pid; \
wait $pid; s1=$?; \"$0\" run e2e_stop_resume.toml; s2=$?; echo \"exit statuses $s1 $s2\"; \
test $s1 -eq 75 && test $s2 -eq 0 && test ! -e e2e_runs/stop_resume/lj_dataset.checkpoint.h5"
                 ${MD}
         WORKING_DIRECTORY ${CMAKE_CURRENT_BINARY_DIR})
# Allen-Cahn stopped on 2 ranks (SIGUSR1, forwarded by mpirun) and resumed on 1 rank writes datasets
# bitwise equal to an uninterrupted 1-rank run. The test's environment asks OpenMP threads to sleep
# when idle (it runs 2 ranks); its single-rank runs spin instead (OMP_WAIT_POLICY=active), which halves
# their time with 2 threads and is ignored by builds without OpenMP.
foreach(tag ref cut)
  file(WRITE ${CMAKE_CURRENT_BINARY_DIR}/e2e_ac_${tag}.toml
  "[run]\nname = \"ac_${tag}\"\noutput_dir = \"e2e_runs/ac_${tag}\"\n[[stage]]\nkind = \"simulate\"\n\
system = \"allen_cahn\"\nn = 256\nt_final = 0.05\nsave_every = 100\ntrajectories = 16\nseed = 3\n\
partial_fraction = 0.01\nsave_forces = false\nstop_check_every = 50\n")
endforeach()
add_test(NAME e2e_allen_cahn_resume_on_other_rank_count
         COMMAND sh -c "rm -rf e2e_runs/ac_ref e2e_runs/ac_cut; md=$0; \
t0=$(date +%s%N); OMP_WAIT_POLICY=active $md run e2e_ac_ref.toml || exit 1; t1=$(date +%s%N); \
\"$@\" $md run e2e_ac_cut.toml & pid=$!; sleep $(( (t1 - t0) / 4000000000 + 1 )); kill -USR1 $pid; wait $pid; s1=$?; \
OMP_WAIT_POLICY=active $md run e2e_ac_cut.toml; s2=$?; echo \"exit statuses $s1 $s2\"; test $s1 -eq 75 && test $s2 -eq 0 || exit 1; \
for d in /states /free_energy /parameters /partial_forces/indices /partial_forces/values; do \
h5diff e2e_runs/ac_ref/allen_cahn.h5 e2e_runs/ac_cut/allen_cahn.h5 $d $d || exit 1; done"
                 ${MD} ${MACRODYN_MPIEXEC} ${MPIEXEC_NUMPROC_FLAG} 2
         WORKING_DIRECTORY ${CMAKE_CURRENT_BINARY_DIR})
set_tests_properties(e2e_allen_cahn_resume_on_other_rank_count PROPERTIES PROCESSORS 2)
