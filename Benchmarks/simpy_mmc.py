"""SimPy 4.1 reference for `tempo bench kernel`: the same FIFO M/M/c model
(lambda=8/s, mu=1/s, c=10), N customers, events/s counted as one per arrival
plus one per departure. Run: python3 Benchmarks/simpy_mmc.py [N]"""
import random, sys, time
import simpy

def run(n, lam=8.0, mu=1.0, c=10, seed=1):
    rng = random.Random(seed)
    env = simpy.Environment()
    servers = simpy.Resource(env, capacity=c)
    waits = []

    def customer(env):
        arrive = env.now
        with servers.request() as req:
            yield req
            yield env.timeout(rng.expovariate(mu))
        waits.append(env.now - arrive)

    def source(env):
        for _ in range(n):
            env.process(customer(env))
            yield env.timeout(rng.expovariate(lam))

    env.process(source(env))
    start = time.perf_counter()
    env.run()
    wall = time.perf_counter() - start
    return 2 * n / wall, sum(waits) / len(waits)

if __name__ == "__main__":
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 200_000
    rate, w = run(n)
    print(f"simpy {simpy.__version__}: {rate:,.0f} events/s (mean time in system {w:.3f} s, Erlang C 1.2046)")
