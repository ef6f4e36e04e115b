<?php
/**
 * Stand-in for `WHMCS\UsageBilling\Metrics\Usage`: `($value, $collectedAt = null, $startAt = null, $endAt = null)`,
 * each date null, a Carbon (here any DateTimeInterface) or a Unix time
 * (developers.whmcs.com/classes/whmcs/usagebilling/metrics/usage). Collected now when not given:
 * ASSUMPTION (the page gives no default; a value must have a moment to be stored).
 */

declare(strict_types=1);

namespace WHMCS\UsageBilling\Metrics;

use WHMCS\UsageBilling\Contracts\Metrics\UsageInterface;

class Usage implements UsageInterface
{
    private float $value;
    private \DateTimeImmutable $collectedAt;
    private ?\DateTimeImmutable $startAt;
    private ?\DateTimeImmutable $endAt;

    public function __construct($value, $collectedAt = null, $startAt = null, $endAt = null)
    {
        if (!is_int($value) && !is_float($value) && !(is_string($value) && is_numeric($value))) {
            throw new \InvalidArgumentException('a usage value must be a number');
        }
        $this->value = (float) $value;
        $this->collectedAt = self::moment($collectedAt) ?? new \DateTimeImmutable('now');
        $this->startAt = self::moment($startAt);
        $this->endAt = self::moment($endAt);
    }

    private static function moment(mixed $at): ?\DateTimeImmutable
    {
        return match (true) {
            $at === null => null,
            $at instanceof \DateTimeInterface => \DateTimeImmutable::createFromInterface($at),
            is_int($at) || is_float($at) => (new \DateTimeImmutable('@' . sprintf('%.6F', $at)))->setTimezone(new \DateTimeZone(date_default_timezone_get())),
            default => throw new \InvalidArgumentException('a usage date must be null, a date or a Unix time'),
        };
    }

    public function collectedAt()
    {
        return $this->collectedAt;
    }

    public function startAt()
    {
        return $this->startAt;
    }

    public function endAt()
    {
        return $this->endAt;
    }

    public function value()
    {
        return $this->value;
    }
}
