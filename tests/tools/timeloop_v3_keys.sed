# Timeloop v3.0.3 reads the hyphenated spelling of these keys only; the
# inputs loopnest and Timeloop master read use underscores. Applied to a
# YAML file, this rewrites the keys (never values) that v3.0.3 needs.
s/^\([ -]*\)data_spaces:/\1data-spaces:/
s/^\([ -]*\)read_write:/\1read-write:/
s/^\([ -]*\)word_bits:/\1word-bits:/
s/^\([ -]*\)block_size:/\1block-size:/
s/^\([ -]*\)cluster_size:/\1cluster-size:/
s/^\([ -]*\)multiple_buffering:/\1multiple-buffering:/
s/^\([ -]*\)min_utilization:/\1min-utilization:/
s/^\([ -]*\)num_threads:/\1num-threads:/
s/^\([ -]*\)optimization_metrics:/\1optimization-metrics:/
s/^\([ -]*\)optimization_metric:/\1optimization-metric:/
s/^\([ -]*\)victory_condition:/\1victory-condition:/
s/^\([ -]*\)sync_interval:/\1sync-interval:/
s/^\([ -]*\)log_interval:/\1log-interval:/
s/^\([ -]*\)log_stats:/\1log-stats:/
s/^\([ -]*\)log_suboptimal:/\1log-suboptimal:/
s/^\([ -]*\)live_status:/\1live-status:/
s/^\([ -]*\)max_permutations_per_if_visit:/\1max-permutations-per-if-visit:/
s/^\([ -]*\)filter_revisits:/\1filter-revisits:/
s/^\([ -]*\)penalize_consecutive_bypass_fails:/\1penalize-consecutive-bypass-fails:/
s/^\([ -]*\)emit_whoop_nest:/\1emit-whoop-nest:/
s/^\([ -]*\)network_word_bits:/\1network-word-bits:/
s/^\([ -]*\)vector_access_energy:/\1vector-access-energy:/
s/^\([ -]*\)addr_gen_energy:/\1addr-gen-energy:/
s/^\([ -]*\)cluster_area:/\1cluster-area:/
s/^\([ -]*\)num_banks:/\1num-banks:/
s/^\([ -]*\)num_ports:/\1num-ports:/
s/^\([ -]*\)log_oaves:/\1log-oaves:/
s/^\([ -]*\)log_oaves_mappings:/\1log-oaves-mappings:/
# ... and the algorithm names.
s/^\([ ]*algorithm: *\)linear_pruned/\1linear-pruned/
s/^\([ ]*algorithm: *\)random_pruned/\1random-pruned/
