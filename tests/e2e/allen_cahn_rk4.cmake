# bench allen_cahn_rk4 prints its metrics (RK4 vs blocked Euler on one grid, src/sim/allen_cahn/allen_cahn_bench.cpp).
add_test(NAME e2e_bench_allen_cahn_rk4
         COMMAND ${MACRODYN_E2E_DIR}/expect.sh ok "bench allen_cahn_rk4 rk4_over_euler_time_to_solution [0-9.e+]+ 1"
                 $<TARGET_FILE:macrodyn> bench allen_cahn_rk4 --n 32 --steps 20
         WORKING_DIRECTORY ${CMAKE_CURRENT_BINARY_DIR})
