/* Values the estimator gives where the reference cannot be reproduced;
 * see test_energy_reference.c for the reasons. Generated from a run of the
 * test and reviewed entry by entry. {case, level, action, value, reason} */
    {"tutorial-2020/timeloop/06-mapper-convlayer-eyeriss/ref-output", "psum_spad", "leak", 0.000511516188, "NEUROSIM"}, /* reference 0.000134, 281.73% */
    {"tutorial-2020/timeloop/06-mapper-convlayer-eyeriss/ref-output", "weights_spad", "leak", 0.00234698766, "NEUROSIM"}, /* reference 0.001592, 47.42% */
    {"tutorial-2020/timeloop/06-mapper-convlayer-eyeriss/ref-output", "ifmap_spad", "write", 0.185800236, "NEUROSIM"}, /* reference 0.176713, 5.14% */
    {"tutorial-2020/timeloop/06-mapper-convlayer-eyeriss/ref-output", "ifmap_spad", "leak", 0.000478417306, "NEUROSIM"}, /* reference 0.000101, 373.68% */
    {"tutorial-2020/timeloop/06-mapper-convlayer-eyeriss/ref-output", "ifmap_spad", "update", 0.185800236, "NEUROSIM"}, /* reference 0.176713, 5.14% */
    {"tutorial-2020/timeloop/06-mapper-convlayer-eyeriss/ref-output", "shared_glb", "leak", 0.00697221231, "NEUROSIM"}, /* reference 0.005652, 23.36% */
    {"tutorial-2020/timeloop+accelergy/ref-output/fpmac", "psum_spad", "leak", 0.0009766, "NEUROSIM"}, /* reference 0.000405, 141.14% */
    {"tutorial-2020/timeloop+accelergy/ref-output/fpmac", "weights_spad", "leak", 0.0059692, "NEUROSIM"}, /* reference 0.004825, 23.71% */
    {"tutorial-2020/timeloop+accelergy/ref-output/fpmac", "ifmap_spad", "leak", 0.0008762, "NEUROSIM"}, /* reference 0.000304, 188.22% */
    {"tutorial-2020/timeloop+accelergy/ref-output/fpmac", "shared_glb", "leak", 0.00535305, "NEUROSIM"}, /* reference 0.003351, 59.74% */
    {"tutorial-2020/timeloop+accelergy/ref-output/intmac", "psum_spad", "leak", 0.0007758, "NEUROSIM"}, /* reference 0.000204, 280.29% */
    {"tutorial-2020/timeloop+accelergy/ref-output/intmac", "weights_spad", "leak", 0.0035596, "NEUROSIM"}, /* reference 0.002416, 47.33% */
    {"tutorial-2020/timeloop+accelergy/ref-output/intmac", "ifmap_spad", "leak", 0.0007256, "NEUROSIM"}, /* reference 0.000154, 371.17% */
    {"tutorial-2020/timeloop+accelergy/ref-output/intmac", "shared_glb", "leak", 0.00535305, "NEUROSIM"}, /* reference 0.003351, 59.74% */
    {"example-designs/eyeriss_like/ref_outputs/default_problem", "psum_spad", "leak", 0.000511516188, "NEUROSIM"}, /* reference 0.000134, 281.73% */
    {"example-designs/eyeriss_like/ref_outputs/default_problem", "weights_spad", "leak", 0.00234698766, "NEUROSIM"}, /* reference 0.001592, 47.42% */
    {"example-designs/eyeriss_like/ref_outputs/default_problem", "ifmap_spad", "write", 0.185800236, "NEUROSIM"}, /* reference 0.176713, 5.14% */
    {"example-designs/eyeriss_like/ref_outputs/default_problem", "ifmap_spad", "leak", 0.000478417306, "NEUROSIM"}, /* reference 0.000101, 373.68% */
    {"example-designs/eyeriss_like/ref_outputs/default_problem", "ifmap_spad", "update", 0.185800236, "NEUROSIM"}, /* reference 0.176713, 5.14% */
    {"example-designs/eyeriss_like/ref_outputs/default_problem", "shared_glb", "leak", 0.00697221231, "NEUROSIM"}, /* reference 0.005652, 23.36% */
