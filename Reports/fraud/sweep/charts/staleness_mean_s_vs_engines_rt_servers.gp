# Mean feature staleness (s) against engines.rt.servers
# Written by TempoLab's report; redraw with `gnuplot staleness_mean_s_vs_engines_rt_servers.gp` in this folder.
# Data: staleness_mean_s_vs_engines_rt_servers.dat. Output: staleness_mean_s_vs_engines_rt_servers.png, staleness_mean_s_vs_engines_rt_servers.svg.
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
set title 'Mean feature staleness (s) against engines.rt.servers'
set xlabel 'engines.rt.servers'
set ylabel 'Mean feature staleness (s)'
set key outside right top
set offsets graph 0.05, graph 0.05, graph 0.05, graph 0.05
set terminal pngcairo size 800,500 noenhanced font 'Sans,10' background rgb 'white'
set output 'staleness_mean_s_vs_engines_rt_servers.png'
plot 'staleness_mean_s_vs_engines_rt_servers.dat' index 0 using 1:2 with linespoints lt 1 dt 1 title 'nightly (per_record=200us)', \
     'staleness_mean_s_vs_engines_rt_servers.dat' index 1 using 1:2 with linespoints lt 2 dt 1 title 'rt (per_record=200us)', \
     'staleness_mean_s_vs_engines_rt_servers.dat' index 2 using 1:2 with linespoints lt 3 dt 1 title 'stream (per_record=200us)', \
     'staleness_mean_s_vs_engines_rt_servers.dat' index 3 using 1:2 with linespoints lt 1 dt 2 title 'nightly (per_record=2ms)', \
     'staleness_mean_s_vs_engines_rt_servers.dat' index 4 using 1:2 with linespoints lt 2 dt 2 title 'rt (per_record=2ms)', \
     'staleness_mean_s_vs_engines_rt_servers.dat' index 5 using 1:2 with linespoints lt 3 dt 2 title 'stream (per_record=2ms)'
set terminal svg size 800,500 noenhanced font 'Sans,10' background rgb 'white'
set output 'staleness_mean_s_vs_engines_rt_servers.svg'
replot
unset output
