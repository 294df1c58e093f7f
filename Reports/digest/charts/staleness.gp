# Feature staleness over the run (time in hours)
# Written by TempoLab's report; redraw with `gnuplot staleness.gp` in this folder.
# Data: staleness.dat. Output: staleness.png, staleness.svg.
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
set title 'Feature staleness over the run (time in hours)'
set xlabel 'time (h)'
set ylabel 'mean feature staleness (h)'
set xtics 24
set key below horizontal
set yrange [0:*]
set terminal pngcairo size 800,500 noenhanced font 'Sans,10' background rgb 'white'
set output 'staleness.png'
plot 'staleness.dat' index 0 using 1:2 with lines lt 1 title 'nightly', \
     'staleness.dat' index 1 using 1:2 with lines lt 2 title 'rt', \
     'staleness.dat' index 2 using 1:2 with lines lt 3 title 'oracle'
set terminal svg size 800,500 noenhanced font 'Sans,10' background rgb 'white'
set output 'staleness.svg'
replot
unset output
