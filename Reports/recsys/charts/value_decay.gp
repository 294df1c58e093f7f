# Value per decision against feature staleness ($)
# Written by TempoLab's report; redraw with `gnuplot value_decay.gp` in this folder.
# Data: value_decay.dat. Output: value_decay.png, value_decay.svg.
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
set title 'Value per decision against feature staleness ($)'
set xlabel 'feature staleness at decision (log scale)'
set ylabel 'mean value per decision ($)'
set logscale x
set xtics ('100 µs' 0.0001, '1 ms' 0.001, '10 ms' 0.01, '100 ms' 0.1, '1 s' 1.0, '10 s' 10.0, '1 min' 60.0, '10 min' 600.0, '1 h' 3600.0, '6 h' 21600.0, '1 d' 86400.0, '1 wk' 604800.0, '30 d' 2592000.0)
set format y '$%g'
set key below horizontal
set y2label 'declared value remaining (fraction)'
set y2tics 0, 0.1
set format y2 '%.1f'
set link y2 via y/0.0046249652873408586 inverse y*0.0046249652873408586
set terminal pngcairo size 800,500 noenhanced font 'Sans,10' background rgb 'white'
set output 'value_decay.png'
plot 'value_decay.dat' index 0 using 1:2 with linespoints lt 1 title 'nightly', \
     'value_decay.dat' index 1 using 1:2 with linespoints lt 2 title 'stream', \
     'value_decay.dat' index 2 using 1:2 with linespoints lt 3 title 'rerank', \
     'value_decay.dat' index 3 using 1:2 with linespoints lt 4 title 'oracle', \
     'value_decay.dat' index 4 using 1:2 with lines lt -1 dt 2 lw 1.5 title 'declared decay (right axis)'
set terminal svg size 800,500 noenhanced font 'Sans,10' background rgb 'white'
set output 'value_decay.svg'
replot
unset output
