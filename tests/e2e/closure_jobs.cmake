# The closure job-array scripts outside SLURM (SRUN="" runs macrodyn directly): one task each.
#  - closure_deck_array.sbatch: task 1 of SWEEP="simulate.seed=1,2" on the small Allen-Cahn deck runs the
#    copy with seed = 2 in its own directory;
#  - closure_predator_prey_array.sbatch: one Table 2 task (L_x,p with p = 1/5 at R = 300, tiny
#    autoencoder data and epochs) ends with an evaluation that closure_tables.py puts in row 300.
set(CLOSURE_JOBS_DIR e2e_runs/closure_jobs)
add_test(NAME e2e_closure_deck_array
         COMMAND sh -c "rm -rf ${CLOSURE_JOBS_DIR}/deck && env SLURM_ARRAY_TASK_ID=1 SWEEP='simulate.seed=1,2' SRUN= MACRODYN=$<TARGET_FILE:macrodyn> OUTPUT_ROOT=${CLOSURE_JOBS_DIR}/deck bash ${PROJECT_SOURCE_DIR}/jobs/closure_deck_array.sbatch ${PROJECT_SOURCE_DIR}/inputs/allen_cahn/small.toml && grep -q '^seed = 2$' ${CLOSURE_JOBS_DIR}/deck/small_seed2/task.toml && test -s ${CLOSURE_JOBS_DIR}/deck/small_seed2/allen_cahn.h5"
         WORKING_DIRECTORY ${CMAKE_CURRENT_BINARY_DIR})
add_test(NAME e2e_closure_predator_prey_array
         COMMAND sh -c "rm -rf ${CLOSURE_JOBS_DIR}/pp && env SLURM_ARRAY_TASK_ID=5 ROWS=300 SEEDS=1 EPOCHS=5 AE_EPOCHS=1 AE_TRAJECTORIES=20 SRUN= MACRODYN=$<TARGET_FILE:macrodyn> OUTPUT_ROOT=${CLOSURE_JOBS_DIR}/pp bash ${PROJECT_SOURCE_DIR}/jobs/closure_predator_prey_array.sbatch table2 && /usr/bin/python3 ${PROJECT_SOURCE_DIR}/postprocess/closure_tables.py ${CLOSURE_JOBS_DIR}/pp --out ${CLOSURE_JOBS_DIR}/pp/tables && grep -Eq '^300,[0-9][0-9.e+-]*,0,1,,' ${CLOSURE_JOBS_DIR}/pp/tables/table2.csv && grep -q '^equivalent_data,L_xp_p0.2_mean' ${CLOSURE_JOBS_DIR}/pp/tables/table2.csv"
         WORKING_DIRECTORY ${CMAKE_CURRENT_BINARY_DIR})
