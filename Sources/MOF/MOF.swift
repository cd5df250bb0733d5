/// The MOF compiler (DSP0221 plus the Microsoft dialect).
