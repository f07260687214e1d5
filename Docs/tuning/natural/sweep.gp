set terminal pngcairo size 1260,960 font ',10'
set output '/work/exp/s7/natural/sweep.png'
set multiplot layout 3,3
set grid
set key bottom right
set title 'RED-diff, inpainting: 100 steps'; set xlabel 'lr'; set ylabel 'PSNR (dB)'; set logscale x
plot '/work/exp/s7/natural/sweep.dat' index 0 with linespoints title 'λ=0.25', '/work/exp/s7/natural/sweep.dat' index 1 with linespoints title 'λ=1', '/work/exp/s7/natural/sweep.dat' index 2 with linespoints title 'λ=4'
set title 'RED-diff, super-resolution: 100 steps'; set xlabel 'lr'; set ylabel 'PSNR (dB)'; set logscale x
plot '/work/exp/s7/natural/sweep.dat' index 3 with linespoints title 'λ=0.25', '/work/exp/s7/natural/sweep.dat' index 4 with linespoints title 'λ=1', '/work/exp/s7/natural/sweep.dat' index 5 with linespoints title 'λ=4'
set title 'RED-diff, deblurring: 100 steps'; set xlabel 'lr'; set ylabel 'PSNR (dB)'; set logscale x
plot '/work/exp/s7/natural/sweep.dat' index 6 with linespoints title 'λ=0.25', '/work/exp/s7/natural/sweep.dat' index 7 with linespoints title 'λ=1', '/work/exp/s7/natural/sweep.dat' index 8 with linespoints title 'λ=4'
set title 'RED-diff, inpainting: step count'; set xlabel 'steps'; set ylabel 'PSNR (dB)'; set logscale x
plot '/work/exp/s7/natural/sweep.dat' index 9 with linespoints notitle
set title 'RED-diff, super-resolution: step count'; set xlabel 'steps'; set ylabel 'PSNR (dB)'; set logscale x
plot '/work/exp/s7/natural/sweep.dat' index 10 with linespoints notitle
set title 'RED-diff, deblurring: step count'; set xlabel 'steps'; set ylabel 'PSNR (dB)'; set logscale x
plot '/work/exp/s7/natural/sweep.dat' index 11 with linespoints notitle
set title 'RED-diff, inpainting: from the classical start'; set xlabel 'lr'; set ylabel 'PSNR (dB)'; set logscale x
plot '/work/exp/s7/natural/sweep.dat' index 12 with linespoints title 'tmax=50', '/work/exp/s7/natural/sweep.dat' index 13 with linespoints title 'tmax=100', '/work/exp/s7/natural/sweep.dat' index 14 with linespoints title 'tmax=300'
set title 'RED-diff, super-resolution: from the classical start'; set xlabel 'lr'; set ylabel 'PSNR (dB)'; set logscale x
plot '/work/exp/s7/natural/sweep.dat' index 15 with linespoints title 'tmax=50', '/work/exp/s7/natural/sweep.dat' index 16 with linespoints title 'tmax=100', '/work/exp/s7/natural/sweep.dat' index 17 with linespoints title 'tmax=300'
set title 'RED-diff, deblurring: from the classical start'; set xlabel 'lr'; set ylabel 'PSNR (dB)'; set logscale x
plot '/work/exp/s7/natural/sweep.dat' index 18 with linespoints title 'tmax=50', '/work/exp/s7/natural/sweep.dat' index 19 with linespoints title 'tmax=100', '/work/exp/s7/natural/sweep.dat' index 20 with linespoints title 'tmax=300'
unset multiplot