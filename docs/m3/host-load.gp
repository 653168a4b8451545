# docs/m3/host-load.gp — written by bench/m3.sh; renders host-load.svg from host-load.dat
if (!exists("outfile")) outfile = 'host-load.svg'
set terminal svg size 960,720 dynamic font 'sans,11'
set output outfile
set multiplot layout 2,2 title 'mixed preset, 32 YCSB clients: SMT-off vs M3, by host load'
set key top left
set grid
set xlabel 'host service threads (each 0.25 CPU of demand)'
unset logscale y
set title 'host work'
set ylabel 'CPU-seconds per second'
plot 'host-load.dat' using 1:2:3 with yerrorlines title 'SMT-off (upstream)', '' using 1:4:5 with yerrorlines title 'M3 (secondaries online)'
set logscale y
set title 'host task scheduling latency p99'
set ylabel 'ns'
plot 'host-load.dat' using 1:6:7 with yerrorlines title 'SMT-off (upstream)', '' using 1:8:9 with yerrorlines title 'M3 (secondaries online)'
unset logscale y
set title 'guest throughput (YCSB)'
set ylabel 'operations per second'
plot 'host-load.dat' using 1:10:11 with yerrorlines title 'SMT-off (upstream)', '' using 1:12:13 with yerrorlines title 'M3 (secondaries online)'
set logscale y
set title 'guest latency p99 (YCSB)'
set ylabel 'ns'
plot 'host-load.dat' using 1:14:15 with yerrorlines title 'SMT-off (upstream)', '' using 1:16:17 with yerrorlines title 'M3 (secondaries online)'
unset multiplot
