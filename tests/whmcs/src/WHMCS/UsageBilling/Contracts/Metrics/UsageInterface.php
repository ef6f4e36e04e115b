<?php
/**
 * Stand-in for `WHMCS\UsageBilling\Contracts\Metrics\UsageInterface`: a measured value and when
 * (developers.whmcs.com/classes/whmcs/usagebilling/contracts/metrics/usageinterface). WHMCS
 * returns Carbon dates; the stand-in returns DateTimeImmutable (Carbon is a DateTime too).
 */

declare(strict_types=1);

namespace WHMCS\UsageBilling\Contracts\Metrics;

interface UsageInterface
{
    /** @return \DateTimeInterface */
    public function collectedAt();

    /** @return \DateTimeInterface|null */
    public function startAt();

    /** @return \DateTimeInterface|null */
    public function endAt();

    /** @return float */
    public function value();
}
