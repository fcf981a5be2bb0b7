/**
 * The covering-number lemma library (Lemmas 1-6 of the project's covering reference): pure
 * functions over widths and flat parameter vectors theta (layout: `thetaLayout`).
 */
export { activationConstants, type ActivationConstants } from "./activationConstants.ts";
export { boundPanels, renderPlot, type PlotLine, type PlotOptions, type PlotPanel } from "./plot.ts";
export { boundQuantities, evaluateAssertion, type BoundQuantities, type FactName } from "./quantities.ts";
export { boundTable, widthSweep, type BoundRow, type BoundTableSpec } from "./boundTable.ts";
export { biasesNonIncreasing, canonicalise, inRepresentativeSet, sortLayer } from "./canonicalise.ts";
export { classicalCount, coveringBounds, reducedCount, type CoveringBounds } from "./coveringBounds.ts";
export { computeQuantities, volumeInInterval, type Quantities, type QuantityInputs, type QuantityName } from "./computeQuantities.ts";
export { coverCheck, inputGrid, type CoverCheck } from "./coverCheck.ts";
export { enumerateOrbit, permutations } from "./enumerateOrbit.ts";
export { exactSupGap, reluPieces, type Pieces } from "./piecewiseLinear.ts";
export { flipUnit } from "./flipUnit.ts";
export { fromBigInt, gridSize, type GridSize } from "./gridSize.ts";
export { groupOrder, type GroupOrder } from "./groupOrder.ts";
export { lambdaValue, lipschitz, log10Lambda, log10Rational, type LayerConstants } from "./lipschitz.ts";
export { lgamma } from "./lgamma.ts";
export { log10BigInt } from "./log10BigInt.ts";
export { factorial, log10Factorial } from "./log10Factorial.ts";
export { mlpFunction, type MlpFunction } from "./mlpFunction.ts";
export { orbitSize, stabiliserSize } from "./orbitSize.ts";
export { log10OrderedGridCount, log10RisingExcess, orderedGridCount, orderedGridSandwich } from "./orderedGridCount.ts";
export { hiddenWidths, paramCount } from "./paramCount.ts";
export { log10InitialisationHit } from "./initialisationHit.ts";
export { applyPermutations, permuteUnits } from "./permuteUnits.ts";
export { formatNumber, renderBoundTable, TABLE_COLUMNS } from "./renderBoundTable.ts";
export { roundToGrid, roundToGridExact } from "./roundToGrid.ts";
export { scaleCanonicalise, undeterminedUnits, type UnitMove } from "./scaleCanonicalise.ts";
export { scaleUnit } from "./scaleUnit.ts";
export { log10ReducedWithSignFlips, reducedWithSignFlipsCount, signFlipCanonicalise } from "./signFlipReduction.ts";
export { biasIndex, paramValues, thetaLayout, weightIndex, type ThetaLayout } from "./thetaLayout.ts";
export { volumeFraction } from "./volumeFraction.ts";
export { normalQuantile, volumeMonteCarlo, wilsonInterval, type VolumeEstimate } from "./volumeMonteCarlo.ts";
