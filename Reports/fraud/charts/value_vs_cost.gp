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
set format y '$%gk'
set autoscale xfix
set autoscale yfix
set offsets graph 0.05, graph 0.22, graph 0.12, graph 0.08
set key bottom right
set label 1 'nightly' at 0.28017458203125,51.60868000000003 offset char 1,0.8 tc lt 1
set label 2 'rt' at 4.336118231463313,747.424980000002 offset char 1,0.8 tc lt 2
set label 3 'baseline' at 0.0,0.0 offset char 1,0.8 tc lt 4
set label 4 'stream' at 2.5619585248707537,732.0302700000024 offset char 1,0.8 tc lt 5
set label 5 'lambda' at 2.603154113859864,747.424980000002 offset char 1,0.8 tc lt 6
set label 6 'kappa' at 2.5619585248707537,727.5314000000023 offset char 1,0.8 tc lt 7
set terminal pngcairo size 800,500 noenhanced font 'Sans,10' background rgb 'white'
set output 'value_vs_cost.png'
plot 'value_vs_cost.dat' index 0 using 1:($2/1000.0) with points lt 1 ps 1.8 notitle, \
     'value_vs_cost.dat' index 1 using 1:($2/1000.0) with points lt 2 ps 1.8 notitle, \
     'value_vs_cost.dat' index 2 using 1:($2/1000.0) with points lt 4 ps 1.8 notitle, \
     'value_vs_cost.dat' index 3 using 1:($2/1000.0) with points lt 5 ps 1.8 notitle, \
     'value_vs_cost.dat' index 4 using 1:($2/1000.0) with points lt 6 ps 1.8 notitle, \
     'value_vs_cost.dat' index 5 using 1:($2/1000.0) with points lt 7 ps 1.8 notitle, \
     'value_vs_cost.dat' index 6 using 1:($2/1000.0) with steps lt -1 dt 2 lw 1.5 title 'Pareto frontier', \
     747.5328900000021 with lines lt -1 dt 3 lw 1 title 'oracle (upper bound): $747,533'
set terminal svg size 800,500 noenhanced font 'Sans,10' background rgb 'white'
set output 'value_vs_cost.svg'
replot
unset output
