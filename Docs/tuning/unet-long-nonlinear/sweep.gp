set terminal pngcairo size 840,960 font ',10'
set output 'Docs/tuning/unet-long-nonlinear/sweep.png'
set multiplot layout 3,2
set grid
set key bottom right
set title 'RED-diff, phase-retrieval: 100 steps'; set xlabel 'lr'; set ylabel 'PSNR (dB)'; set logscale x
plot 'Docs/tuning/unet-long-nonlinear/sweep.dat' index 0 with linespoints title 'λ=0.25', 'Docs/tuning/unet-long-nonlinear/sweep.dat' index 1 with linespoints title 'λ=1', 'Docs/tuning/unet-long-nonlinear/sweep.dat' index 2 with linespoints title 'λ=4'
set title 'RED-diff, other: 100 steps'; set xlabel 'lr'; set ylabel 'PSNR (dB)'; set logscale x
plot 'Docs/tuning/unet-long-nonlinear/sweep.dat' index 3 with linespoints title 'λ=0.25', 'Docs/tuning/unet-long-nonlinear/sweep.dat' index 4 with linespoints title 'λ=1', 'Docs/tuning/unet-long-nonlinear/sweep.dat' index 5 with linespoints title 'λ=4'
set title 'RED-diff, phase-retrieval: step count'; set xlabel 'steps'; set ylabel 'PSNR (dB)'; set logscale x
plot 'Docs/tuning/unet-long-nonlinear/sweep.dat' index 6 with linespoints notitle
set title 'RED-diff, other: step count'; set xlabel 'steps'; set ylabel 'PSNR (dB)'; set logscale x
plot 'Docs/tuning/unet-long-nonlinear/sweep.dat' index 7 with linespoints notitle
set title 'RED-diff, phase-retrieval: from the classical start'; set xlabel 'lr'; set ylabel 'PSNR (dB)'; set logscale x
plot 'Docs/tuning/unet-long-nonlinear/sweep.dat' index 8 with linespoints title 'tmax=50', 'Docs/tuning/unet-long-nonlinear/sweep.dat' index 9 with linespoints title 'tmax=100', 'Docs/tuning/unet-long-nonlinear/sweep.dat' index 10 with linespoints title 'tmax=300'
set title 'RED-diff, other: from the classical start'; set xlabel 'lr'; set ylabel 'PSNR (dB)'; set logscale x
plot 'Docs/tuning/unet-long-nonlinear/sweep.dat' index 11 with linespoints title 'tmax=50', 'Docs/tuning/unet-long-nonlinear/sweep.dat' index 12 with linespoints title 'tmax=100', 'Docs/tuning/unet-long-nonlinear/sweep.dat' index 13 with linespoints title 'tmax=300'
unset multiplot