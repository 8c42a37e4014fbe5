module github.com/getarcan/arcan-go

go 1.19
