"""A very large school for rehearsals and benchmarks (``seed_demo --scale large|medium|small``),
seeded in bulk on top of the ordinary demo school, whose named people carry a real load."""
