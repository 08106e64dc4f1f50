#include <cstdio>

int main()
{
    std::puts("loadwizard: work in progress");
    return 0;
}
