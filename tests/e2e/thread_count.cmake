# Thread-count invariance: the same deck run with 1 and with 2 Kokkos threads writes bitwise equal
# datasets (Allen-Cahn, Vicsek, LJ with half and with full lists). In a Serial Kokkos build both runs
# have one thread, and the test checks that a run is repeatable.
set(MD $<TARGET_FILE:macrodyn>)
set(MACRODYN_THREAD_DECKS
    "allen_cahn|system = \"allen_cahn\"\nn = 96\nt_final = 0.02\nsave_every = 50\ntrajectories = 4\nseed = 3\npartial_fraction = 0.02\n|allen_cahn.h5|/states /free_energy /partial_forces/values"
    "vicsek|system = \"vicsek\"\nsizes = [32]\netas = [0.5, 2.0]\nrepeats = 1\nsteps = 150\ntransient = 50\nlattice_every = 10\n|vicsek_L32_eta1_k0.h5|/phi /lattice"
    "lj_half|system = \"lj\"\nbox = 8.0\ndensity = 0.8\ntrajectories = 2\nsteps = 60\nsave_every = 20\npartial_fraction = 0.1\nfull_forces = true\nnewton = true\nseed = 7\n|lj_dataset.h5|/particles/all/position/value /particles/all/velocity/value /particles/all/force/value /partial_forces/value"
    "lj_full|system = \"lj\"\nbox = 8.0\ndensity = 0.8\ntrajectories = 2\nsteps = 60\nsave_every = 20\npartial_fraction = 0.1\nfull_forces = true\nnewton = false\nseed = 7\n|lj_dataset.h5|/particles/all/position/value /particles/all/velocity/value /particles/all/force/value /partial_forces/value")
foreach(entry IN LISTS MACRODYN_THREAD_DECKS)
  string(REPLACE "|" ";" parts "${entry}")
  list(GET parts 0 name)
  list(GET parts 1 body)
  list(GET parts 2 f)
  list(GET parts 3 datasets)
  foreach(t 1 2)
    file(WRITE ${CMAKE_CURRENT_BINARY_DIR}/e2e_threads_${name}_${t}.toml
         "[run]\nname = \"threads_${name}_${t}\"\noutput_dir = \"e2e_runs/threads_${name}_${t}\"\n[[stage]]\nkind = \"simulate\"\n${body}")
  endforeach()
  add_test(NAME e2e_thread_count_invariant_${name}
           COMMAND sh -c "rm -rf e2e_runs/threads_${name}_1 e2e_runs/threads_${name}_2; \
OMP_NUM_THREADS=1 $0 run e2e_threads_${name}_1.toml && OMP_NUM_THREADS=2 $0 run e2e_threads_${name}_2.toml || exit 1; \
for d in ${datasets}; do h5diff e2e_runs/threads_${name}_1/${f} e2e_runs/threads_${name}_2/${f} $d $d || exit 1; done"
                   ${MD}
           WORKING_DIRECTORY ${CMAKE_CURRENT_BINARY_DIR})
endforeach()
