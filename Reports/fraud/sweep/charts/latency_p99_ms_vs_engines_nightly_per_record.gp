# Latency p99 (ms) against engines.nightly.per_record
# Written by TempoLab's report; redraw with `gnuplot latency_p99_ms_vs_engines_nightly_per_record.gp` in this folder.
# Data: latency_p99_ms_vs_engines_nightly_per_record.dat. Output: latency_p99_ms_vs_engines_nightly_per_record.png, latency_p99_ms_vs_engines_nightly_per_record.svg.
set linetype 1 lc rgb '#0072B2' lw 2 pt 7 ps 1.1
set linetype 2 lc rgb '#D55E00' lw 2 pt 7 ps 1.1
set linetype 3 lc rgb '#009E73' lw 2 pt 7 ps 1.1
set linetype 4 lc rgb '#CC79A7' lw 2 pt 7 ps 1.1
set linetype 5 lc rgb '#E69F00' lw 2 pt 7 ps 1.1
set linetype 6 lc rgb '#56B4E9' lw 2 pt 7 ps 1.1
set linetype 7 lc rgb '#000000' lw 2 pt 7 ps 1.1
set linetype 8 lc rgb '#F0E442' lw 2 pt 7 ps 1.1
set linetype cycle 8
set grid lc rgb '#dddddd' lw 1
set border lc rgb '#444444'
set tics nomirror
set key noopaque
set title 'Latency p99 (ms) against engines.nightly.per_record'
set xlabel 'engines.nightly.per_record (s)'
set ylabel 'Latency p99 (ms)'
set key outside right top
set offsets graph 0.05, graph 0.05, graph 0.05, graph 0.05
set terminal pngcairo size 800,500 noenhanced font 'Sans,10' background rgb 'white'
set output 'latency_p99_ms_vs_engines_nightly_per_record.png'
plot 'latency_p99_ms_vs_engines_nightly_per_record.dat' index 0 using 1:2 with linespoints lt 1 dt 1 title 'nightly (servers=1)', \
     'latency_p99_ms_vs_engines_nightly_per_record.dat' index 1 using 1:2 with linespoints lt 2 dt 1 title 'rt (servers=1)', \
     'latency_p99_ms_vs_engines_nightly_per_record.dat' index 2 using 1:2 with linespoints lt 3 dt 1 title 'stream (servers=1)', \
     'latency_p99_ms_vs_engines_nightly_per_record.dat' index 3 using 1:2 with linespoints lt 1 dt 2 title 'nightly (servers=2)', \
     'latency_p99_ms_vs_engines_nightly_per_record.dat' index 4 using 1:2 with linespoints lt 2 dt 2 title 'rt (servers=2)', \
     'latency_p99_ms_vs_engines_nightly_per_record.dat' index 5 using 1:2 with linespoints lt 3 dt 2 title 'stream (servers=2)', \
     'latency_p99_ms_vs_engines_nightly_per_record.dat' index 6 using 1:2 with linespoints lt 1 dt 3 title 'nightly (servers=4)', \
     'latency_p99_ms_vs_engines_nightly_per_record.dat' index 7 using 1:2 with linespoints lt 2 dt 3 title 'rt (servers=4)', \
     'latency_p99_ms_vs_engines_nightly_per_record.dat' index 8 using 1:2 with linespoints lt 3 dt 3 title 'stream (servers=4)'
set terminal svg size 800,500 noenhanced font 'Sans,10' background rgb 'white'
set output 'latency_p99_ms_vs_engines_nightly_per_record.svg'
replot
unset output
