# Value captured against cost per day ($)
# Written by TempoLab's report; redraw with `gnuplot value_vs_cost.gp` in this folder.
# Data: value_vs_cost.dat. Output: value_vs_cost.png, value_vs_cost.svg.
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
set title 'Value captured against cost per day ($)'
set xlabel 'cost per day ($)'
set ylabel 'value captured over the horizon ($)'
set format x '$%g'
set format y '$%g'
set autoscale xfix
set autoscale yfix
set offsets graph 0.05, graph 0.22, graph 0.12, graph 0.08
set key bottom right
set label 1 'nightly' at 0.013362557710193453,428.00062036692657 offset char 1,0.8 tc lt 1
set label 2 'rt' at 4.0804112455579045,468.6491591657158 offset char 1,0.8 tc lt 2
set label 3 'stream' at 2.304524494382977,457.379417131948 offset char 1,0.8 tc lt 3
set label 4 'baseline' at 0.0,0.0 offset char 1,0.8 tc lt 5
set terminal pngcairo size 800,500 noenhanced font 'Sans,10' background rgb 'white'
set output 'value_vs_cost.png'
plot 'value_vs_cost.dat' index 0 using 1:2 with points lt 1 ps 1.8 notitle, \
     'value_vs_cost.dat' index 1 using 1:2 with points lt 2 ps 1.8 notitle, \
     'value_vs_cost.dat' index 2 using 1:2 with points lt 3 ps 1.8 notitle, \
     'value_vs_cost.dat' index 3 using 1:2 with points lt 5 ps 1.8 notitle, \
     'value_vs_cost.dat' index 4 using 1:2 with steps lt -1 dt 2 lw 1.5 title 'Pareto frontier', \
     473.8477566559247 with lines lt -1 dt 3 lw 1 title 'oracle (upper bound): $474'
set terminal svg size 800,500 noenhanced font 'Sans,10' background rgb 'white'
set output 'value_vs_cost.svg'
replot
unset output
