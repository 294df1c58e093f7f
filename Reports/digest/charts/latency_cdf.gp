# Answer latency, cumulative distribution (ms)
# Written by TempoLab's report; redraw with `gnuplot latency_cdf.gp` in this folder.
# Data: latency_cdf.dat. Output: latency_cdf.png, latency_cdf.svg.
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
set title 'Answer latency, cumulative distribution (ms)'
set xlabel 'latency from scheduled decision time (ms, log scale)'
set ylabel 'percentile of decisions (%)'
set logscale x
set format x '%g'
set yrange [0:100]
set ytics 10
set key bottom right
set terminal pngcairo size 800,500 noenhanced font 'Sans,10' background rgb 'white'
set output 'latency_cdf.png'
plot 'latency_cdf.dat' index 0 using 1:2 with lines lt 1 title 'nightly', \
     'latency_cdf.dat' index 1 using 1:2 with lines lt 2 title 'rt'
set terminal svg size 800,500 noenhanced font 'Sans,10' background rgb 'white'
set output 'latency_cdf.svg'
replot
unset output
