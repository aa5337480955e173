//! The Redis store, for several instances behind a load balancer. TTLs are Redis's own; every
//! operation that reads then writes is one Lua script, so it is atomic across instances.

use std::time::Duration;

use redis::aio::ConnectionManager;
use redis::{AsyncCommands, Script};

use super::{PollGate, Rate, Store, StoreError, StoreFuture, ttl_ms};

/// Every key lives under this prefix, so the proxy can share a Redis with other programs.
const PREFIX: &str = "hearth-proxy:";

#[derive(Clone)]
pub struct RedisStore {
    con: ConnectionManager,
    scripts: std::sync::Arc<Scripts>,
}

struct Scripts {
    replace_if: Script,
    incr: Script,
    poll_gate: Script,
    pace: Script,
    pause: Script,
}

impl RedisStore {
    pub async fn connect(address: &str) -> Result<Self, StoreError> {
        let client = redis::Client::open(address)?;
        let con = ConnectionManager::new(client).await?;
        let scripts = Scripts {
            replace_if: Script::new(
                r"if redis.call('GET', KEYS[1]) == ARGV[1] then
                    if ARGV[3] == '0' then redis.call('SET', KEYS[1], ARGV[2])
                    else redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3]) end
                    return 1
                  end
                  return 0",
            ),
            incr: Script::new(
                r"local n = redis.call('INCR', KEYS[1])
                  if n == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
                  return n",
            ),
            // The same rule as `store::gate`.
            poll_gate: Script::new(
                r"local now, interval, step, ttl = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3]), ARGV[4]
                  local prev = redis.call('GET', KEYS[1])
                  local slow = 0
                  if prev then
                    local sp = string.find(prev, ' ')
                    local last, current = tonumber(string.sub(prev, 1, sp - 1)), tonumber(string.sub(prev, sp + 1))
                    interval = current
                    if now - last < current - math.floor(current / 10) then
                      interval = current + step
                      slow = 1
                    end
                  end
                  redis.call('SET', KEYS[1], string.format('%d %d', now, interval), 'PX', ttl)
                  return {slow, interval}",
            ),
            // The same rule as `store::pace`: KEYS are the rates' keys then the pause key; ARGV
            // is now, then period and burst for each rate.
            pace: Script::new(
                r"local now = tonumber(ARGV[1])
                  local n = #KEYS - 1
                  local wait = 0
                  local pause = tonumber(redis.call('GET', KEYS[n + 1]) or '0')
                  if pause > now then wait = pause - now end
                  local nexts = {}
                  for i = 1, n do
                    local period, burst = tonumber(ARGV[2 * i]), tonumber(ARGV[2 * i + 1])
                    local tat = tonumber(redis.call('GET', KEYS[i]) or '0')
                    if tat < now then tat = now end
                    local allowed = tat - (burst - 1) * period
                    if allowed - now > wait then wait = allowed - now end
                    nexts[i] = tat + period
                  end
                  if wait > 0 then return wait end
                  for i = 1, n do
                    local period, burst = tonumber(ARGV[2 * i]), tonumber(ARGV[2 * i + 1])
                    redis.call('SET', KEYS[i], string.format('%d', nexts[i]), 'PX', math.max(1, nexts[i] - now + period * burst))
                  end
                  return 0",
            ),
            pause: Script::new(
                r"local target, now = tonumber(ARGV[1]), tonumber(ARGV[2])
                  local current = tonumber(redis.call('GET', KEYS[1]) or '0')
                  if current > target then target = current end
                  redis.call('SET', KEYS[1], string.format('%d', target), 'PX', math.max(1, target - now))
                  return 1",
            ),
        };
        Ok(Self {
            con,
            scripts: std::sync::Arc::new(scripts),
        })
    }
}

fn k(key: &str) -> String {
    format!("{PREFIX}{key}")
}

impl Store for RedisStore {
    fn shared(&self) -> bool {
        true
    }

    fn put<'a>(
        &'a self,
        key: &'a str,
        value: &'a str,
        ttl: Option<Duration>,
    ) -> StoreFuture<'a, ()> {
        let mut con = self.con.clone();
        Box::pin(async move {
            let mut cmd = redis::cmd("SET");
            cmd.arg(k(key)).arg(value);
            if let Some(ttl) = ttl {
                cmd.arg("PX").arg(ttl_ms(ttl));
            }
            cmd.query_async::<()>(&mut con).await?;
            Ok(())
        })
    }

    fn put_new<'a>(
        &'a self,
        key: &'a str,
        value: &'a str,
        ttl: Option<Duration>,
    ) -> StoreFuture<'a, bool> {
        let mut con = self.con.clone();
        Box::pin(async move {
            let mut cmd = redis::cmd("SET");
            cmd.arg(k(key)).arg(value).arg("NX");
            if let Some(ttl) = ttl {
                cmd.arg("PX").arg(ttl_ms(ttl));
            }
            let set: Option<String> = cmd.query_async(&mut con).await?;
            Ok(set.is_some())
        })
    }

    fn get<'a>(&'a self, key: &'a str) -> StoreFuture<'a, Option<String>> {
        let mut con = self.con.clone();
        Box::pin(async move { Ok(con.get(k(key)).await?) })
    }

    fn take<'a>(&'a self, key: &'a str) -> StoreFuture<'a, Option<String>> {
        let mut con = self.con.clone();
        Box::pin(async move {
            Ok(redis::cmd("GETDEL")
                .arg(k(key))
                .query_async(&mut con)
                .await?)
        })
    }

    fn delete<'a>(&'a self, key: &'a str) -> StoreFuture<'a, ()> {
        let mut con = self.con.clone();
        Box::pin(async move {
            con.del::<_, ()>(k(key)).await?;
            Ok(())
        })
    }

    fn replace_if<'a>(
        &'a self,
        key: &'a str,
        expected: &'a str,
        value: &'a str,
        ttl: Option<Duration>,
    ) -> StoreFuture<'a, bool> {
        let mut con = self.con.clone();
        Box::pin(async move {
            let replaced: i64 = self
                .scripts
                .replace_if
                .key(k(key))
                .arg(expected)
                .arg(value)
                .arg(ttl.map_or(0, ttl_ms))
                .invoke_async(&mut con)
                .await?;
            Ok(replaced == 1)
        })
    }

    fn incr<'a>(&'a self, key: &'a str, window: Duration) -> StoreFuture<'a, u64> {
        let mut con = self.con.clone();
        Box::pin(async move {
            Ok(self
                .scripts
                .incr
                .key(k(key))
                .arg(ttl_ms(window))
                .invoke_async(&mut con)
                .await?)
        })
    }

    fn poll_gate<'a>(
        &'a self,
        key: &'a str,
        now_ms: u64,
        interval_ms: u64,
        step_ms: u64,
        ttl: Duration,
    ) -> StoreFuture<'a, PollGate> {
        let mut con = self.con.clone();
        Box::pin(async move {
            let (slow, interval): (i64, u64) = self
                .scripts
                .poll_gate
                .key(k(key))
                .arg(now_ms)
                .arg(interval_ms)
                .arg(step_ms)
                .arg(ttl_ms(ttl))
                .invoke_async(&mut con)
                .await?;
            Ok(if slow == 1 {
                PollGate::SlowDown(interval)
            } else {
                PollGate::Ok(interval)
            })
        })
    }

    fn pace<'a>(
        &'a self,
        now_ms: u64,
        rates: &'a [Rate],
        pause_key: &'a str,
    ) -> StoreFuture<'a, u64> {
        let mut con = self.con.clone();
        Box::pin(async move {
            let mut invocation = self.scripts.pace.prepare_invoke();
            for rate in rates {
                invocation.key(k(&rate.key));
            }
            invocation.key(k(pause_key)).arg(now_ms);
            for rate in rates {
                invocation.arg(rate.period_ms).arg(rate.burst);
            }
            Ok(invocation.invoke_async(&mut con).await?)
        })
    }

    fn pause<'a>(&'a self, pause_key: &'a str, until_ms: u64) -> StoreFuture<'a, ()> {
        let mut con = self.con.clone();
        Box::pin(async move {
            self.scripts
                .pause
                .key(k(pause_key))
                .arg(until_ms)
                .arg(super::now_ms())
                .invoke_async::<i64>(&mut con)
                .await?;
            Ok(())
        })
    }

    fn purge_expired(&self) -> StoreFuture<'_, u64> {
        Box::pin(async { Ok(0) })
    }
}
