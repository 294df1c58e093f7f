# Cost per day by component ($/day)
# Written by TempoLab's report; redraw with `gnuplot cost_breakdown.gp` in this folder.
# Data: cost_breakdown.dat. Output: cost_breakdown.png, cost_breakdown.svg.
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
set title 'Cost per day by component ($/day)'
set style data histograms
set style histogram rowstacked
set style fill solid 0.85 border rgb '#444444'
set boxwidth 0.6
set ylabel 'cost per day ($)'
set format y '$%g'
set yrange [0:*]
set grid noxtics
set xtics ('nightly' 0, 'rt' 1)
set key outside right top
set terminal pngcairo size 800,500 noenhanced font 'Sans,10' background rgb 'white'
set output 'cost_breakdown.png'
plot 'cost_breakdown.dat' using 2 lt 1 title 'compute', \
     'cost_breakdown.dat' using 3 lt 2 title 'storage', \
     'cost_breakdown.dat' using 4 lt 3 title 'reads', \
     'cost_breakdown.dat' using 5 lt 4 title 'memory'
set terminal svg size 800,500 noenhanced font 'Sans,10' background rgb 'white'
set output 'cost_breakdown.svg'
replot
unset output
